import Foundation
import FunnelClient
import FunnelCore
import FunnelServer
import FunnelTesting
import Logging
import Testing

/// A reporter that sends watermarks makes the server settle a bucket seconds after it ends, not minutes.
@Suite struct ReporterWatermarkTests {
    static func configuration(allowance: Duration?, reporter: String) -> ReporterConfiguration {
        var configuration = ReporterConfiguration(
            flushInterval: .milliseconds(50), requestTimeout: .seconds(2), initialBackoff: .milliseconds(10), maximumBackoff: .milliseconds(100),
            shutdownTimeout: .seconds(5)
        )
        configuration.watermarkAllowance = allowance
        configuration.reporterID = reporter
        return configuration
    }

    static var logger: Logger {
        var logger = Logger(label: "reporter-watermark-test")
        logger.logLevel = .critical
        return logger
    }

    @Test func twoReportersOfTwoStagesSettleTheBucketOnceBothHavePassedIt() async throws {
        var server = FunnelConfiguration()
        server.ledger.pipelines = [PipelineDefinition(name: "orders", stages: ["ingest", "deliver"], settings: PipelineSettings(bucketSeconds: 10, settleAfterSeconds: 300))]
        let live = try await LiveServer.start(configuration: server)
        let ingest = FunnelReporter(
            endpoint: IngestEndpoint(server: live.baseURL), configuration: Self.configuration(allowance: .milliseconds(200), reporter: "ingest-1"), logger: Self.logger
        )
        let deliver = FunnelReporter(
            endpoint: IngestEndpoint(server: live.baseURL), configuration: Self.configuration(allowance: .milliseconds(200), reporter: "deliver-1"), logger: Self.logger
        )
        let runs = [Task { try await ingest.run() }, Task { try await deliver.run() }]
        // Events of the 10-second bucket that ended most recently: deliver loses 3 of 50.
        let now = Date().timeIntervalSince1970
        let bucketStart = (now / 10).rounded(.down) * 10 - 10
        let eventTime = Date(timeIntervalSince1970: bucketStart + 1)
        ingest.received(pipeline: "orders", stage: "ingest", count: 50, eventTime: eventTime)
        ingest.passed(pipeline: "orders", stage: "ingest", count: 50, eventTime: eventTime)
        deliver.received(pipeline: "orders", stage: "deliver", count: 50, eventTime: eventTime)
        deliver.passed(pipeline: "orders", stage: "deliver", count: 47, eventTime: eventTime)

        let bucket = EventTimestamp.formatRFC3339(millis: Int64(bucketStart) * 1000)
        #expect(try await eventually(timeout: .seconds(30)) {
            let reply = try await live.request("GET", "/api/v1/funnel?pipeline=orders&detail=buckets")
            let funnel = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]
            let buckets = funnel?["buckets"] as? [[String: Any]] ?? []
            return buckets.contains { $0["start"] as? String == bucket && $0["settled_by"] as? String == "watermark" }
        })
        let reply = try await live.request("GET", "/api/v1/funnel?pipeline=orders")
        let funnel = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
        let stages = try #require(funnel["stages"] as? [[String: Any]])
        #expect(stages[1]["lost"] as? Int == 3)
        #expect(stages.allSatisfy { $0["watermark"] is String })
        #expect(stages.allSatisfy { ($0["watermark_violations"] as? Int) == 0 })
        for reporter in [ingest, deliver] { await reporter.shutdown() }
        for run in runs { try await run.value }
        try await live.stop()
    }

    @Test func withoutAnAllowanceNoWatermarkIsSent() async throws {
        let live = try await LiveServer.start()
        let reporter = FunnelReporter(endpoint: IngestEndpoint(server: live.baseURL), configuration: Self.configuration(allowance: nil, reporter: "r"), logger: Self.logger)
        let run = Task { try await reporter.run() }
        reporter.received(pipeline: "orders", stage: "ingest", count: 5)
        #expect(try await eventually { (try await live.stages(of: "orders")["ingest"]?.received ?? 0) == 5 })
        let reply = try await live.request("GET", "/api/v1/funnel?pipeline=orders")
        #expect(!reply.body.contains("\"watermark\""))
        await reporter.shutdown()
        try await run.value
        try await live.stop()
    }

    @Test func aReporterNameThatCannotBeSentFailsAtStart() async throws {
        let reporter = FunnelReporter(
            endpoint: IngestEndpoint(server: "http://127.0.0.1:1"), configuration: Self.configuration(allowance: .seconds(1), reporter: "two words"), logger: Self.logger
        )
        await #expect(throws: ReporterConfigurationError.self) { try await reporter.run() }
    }
}
