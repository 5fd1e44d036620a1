import Foundation
import FunnelClient
import FunnelCore
import FunnelTesting
import Testing

/// `funnel status --by` against a real `funnel serve` fed through both `funnel emit --label` and ``FunnelReporter``
/// labels: its worst ten are the API's `by=` groups, value for value and lost for lost.
@Suite struct LabelStatusAgreementTests {
    static let configuration = """
        pipelines:
          - name: events
            stages: [ingest, deliver]
            labels: [tenant, version]

        """

    /// The `by=` groups of `events` as (value, lost, ingested), in the server's order.
    static func groups(_ url: String, query: String) async throws -> [(value: String, lost: Int, ingested: Int)] {
        let body = try #require(try await TestHTTP.get(url + "/api/v1/funnel?pipeline=events&" + query).json() as? [String: Any])
        let groups = try #require(body["groups"] as? [[String: Any]])
        return groups.map { group in
            let totals = group["totals"] as? [String: Any]
            return (group["value"] as? String ?? "?", totals?["lost"] as? Int ?? -1, totals?["ingested"] as? Int ?? -1)
        }
    }

    /// The rows under `funnel status --by LABEL`'s header, each as (value, lost, ingested).
    static func statusRows(_ stdout: String, label: String) throws -> [(value: String, lost: Int, ingested: Int)] {
        let lines = stdout.components(separatedBy: "\n")
        let header = try #require(lines.firstIndex { $0.hasPrefix("    " + label.uppercased() + " ") }, "\(stdout)")
        return lines[(header + 1)...].prefix { $0.hasPrefix("    ") && !$0.contains(":") }.map { line in
            let fields = line.split(separator: " ").map(String.init)
            return (fields.first ?? "?", Int(fields.dropFirst().first ?? "") ?? -1, Int(fields.last ?? "") ?? -1)
        }
    }

    /// acme (version 2.4.1, by `funnel emit --label`) loses 30 of 100 at deliver; through the reporter acme sends 50
    /// more on 2.5.0 without loss and t01 ... t12 (2.5.0) lose 1 ... 12 of 100 each in transit.
    @Test func statusByTenantListsTheWorstTenWithTheAPIsLostCounts() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(Self.configuration, to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let eventMillis = (nowMillis() - 20 * 60_000) / 60_000 * 60_000
        let eventTime = EventTimestamp.formatRFC3339(millis: eventMillis)

        for (stage, outcome, count) in [("ingest", "received", 100), ("ingest", "passed", 100), ("deliver", "received", 100), ("deliver", "passed", 70)] {
            let result = try FunnelCommand.run([
                "emit", "--server", url, "--pipeline", "events", "--stage", stage, "--outcome", outcome, "--count", String(count),
                "--event-time", eventTime, "--label", "tenant=acme", "--label", "version=2.4.1",
            ])
            #expect(result.status == 0, "\(result.stderr)")
        }

        let reporter = FunnelReporter(endpoint: IngestEndpoint(server: url), configuration: ReporterConfiguration(flushInterval: .seconds(3600)))
        let run = Task { try await reporter.run() }
        let date = Date(timeIntervalSince1970: Double(eventMillis) / 1000 + 1)
        let ingest = try reporter.stage("ingest", of: "events")
        let deliver = try reporter.stage("deliver", of: "events")
        let acme = ["tenant": "acme", "version": "2.5.0"]
        ingest.labelled(acme).received(count: 50, eventTime: date)
        ingest.labelled(acme).passed(count: 50, eventTime: date)
        deliver.labelled(acme).received(count: 50, eventTime: date)
        deliver.labelled(acme).passed(count: 50, eventTime: date)
        for lost in 1...12 {
            let tenant = ingest.labelled(["tenant": String(format: "t%02d", lost)]).labelled(["version": "2.5.0"])
            tenant.received(count: 100, eventTime: date)
            tenant.passed(count: 100, eventTime: date)
            reporter.received(pipeline: "events", stage: "deliver", count: 100 - lost, eventTime: date, labels: ["tenant": String(format: "t%02d", lost), "version": "2.5.0"])
            reporter.passed(pipeline: "events", stage: "deliver", count: 100 - lost, eventTime: date, labels: ["tenant": String(format: "t%02d", lost), "version": "2.5.0"])
        }
        #expect(try await reporter.flush())
        #expect(reporter.statistics.invalidCalls == 0)
        await reporter.shutdown()
        try await run.value

        let api = try await Self.groups(url, query: "by=tenant&limit=10")
        let expected = [("acme", 30, 150)] + (4...12).reversed().map { (String(format: "t%02d", $0), $0, 100) }
        #expect(api.map(\.value) == expected.map(\.0))
        #expect(api.map(\.lost) == expected.map(\.1))
        #expect(api.map(\.ingested) == expected.map(\.2))

        let status = try FunnelCommand.run(["status", "--server", url, "--by", "tenant"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("events: delivery 92.00%, ingested 1350, delivered 1242, lost 108"), "\(status.stdout)")
        #expect(status.stdout.contains("  worst by tenant: 10 of 13 values, most settled loss first"), "\(status.stdout)")
        let rows = try Self.statusRows(status.stdout, label: "tenant")
        #expect(rows.map(\.value) == api.map(\.value))
        #expect(rows.map(\.lost) == api.map(\.lost))
        #expect(rows.map(\.ingested) == api.map(\.ingested))

        let versions = try FunnelCommand.run(["status", "--server", url, "--by", "version"])
        let versionRows = try Self.statusRows(versions.stdout, label: "version")
        #expect(versionRows.map(\.value) == ["2.5.0", "2.4.1"], "\(versions.stdout)")
        #expect(versionRows.map(\.lost) == [78, 30])
        #expect(try await Self.groups(url, query: "by=version").map(\.lost) == [78, 30])
    }
}
