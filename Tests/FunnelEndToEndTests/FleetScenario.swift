import Foundation
import FunnelTesting

/// Issue 27's fleet on a real `funnel serve`: 30 declared pipelines of 12 stages with long names, every event
/// settled. `tenant-07-…` delivers the worst, and loses 2 events at every stage and 1 on every hop (35 lost, 11 in
/// transit), so twelve stages tie for where most events die.
enum FleetScenario {
    static let regions = ["eu-west-1", "us-east-2", "ap-southeast-1"]

    static func name(_ index: Int) -> String {
        "tenant-\(index < 10 ? "0" : "")\(index)-order-fulfilment-pipeline-\(regions[index % regions.count])"
    }

    static let names = (0..<30).map(name)

    static let stages = [
        "stage-00-intake-from-partner-gateway", "stage-01-schema-decoding-and-parsing", "stage-02-deduplication-window",
        "stage-03-enrichment-and-validation-step", "stage-04-fraud-scoring-model", "stage-05-inventory-reservation",
        "stage-06-pricing-and-tax-calculation", "stage-07-payment-authorisation", "stage-08-warehouse-routing",
        "stage-09-carrier-label-printing", "stage-10-customer-notification", "stage-11-ledger-and-audit-export",
    ]

    /// The configuration declaring every pipeline with its stages in order.
    static var configuration: String {
        "pipelines:\n" + names.map { "  - name: \($0)\n    stages: [\(stages.joined(separator: ", "))]\n" }.joined()
    }

    /// Every report of pipeline `index`, as one JSON array, with events from `eventTime`.
    static func reports(_ index: Int, eventTime: Int64) -> String {
        let tie = index == 7
        var received = 10_000 + index * 100
        var reports: [String] = []
        for (position, stage) in stages.enumerated() {
            let failed = tie ? 30 : 1
            let lost = tie ? 2 : (index + position) % 3
            let passed = received - failed - lost
            for (outcome, count) in [("received", received), ("passed", passed), ("failed", failed)] {
                reports.append(report(stage, outcome, count, eventTime: eventTime, pipeline: name(index)))
            }
            received = passed - (tie ? 1 : 0)
        }
        return "[" + reports.joined(separator: ",") + "]"
    }

    /// Starts `funnel serve` with the fleet declared and its reports in, settled; returns the server and its URL.
    static func serve(in directory: TemporaryDirectory) async throws -> (FunnelProcess, String) {
        let config = try directory.write(Self.configuration, to: "fleet.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        let settled = nowMillis() - 20 * 60_000
        for index in names.indices {
            let reply = try await TestHTTP.post(url + "/v1/reports", body: Self.reports(index, eventTime: settled))
            guard reply.status == 202 else {
                throw RequiredTool.Missing(description: "the server refused the fleet's reports: \(reply.status) \(reply.body)")
            }
        }
        return (server, url)
    }
}
