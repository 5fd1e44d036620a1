import Foundation
import FunnelClient
import FunnelCore
import FunnelTesting
import Testing

/// `flush()`, end-to-end latency and stage handles against a live server.
@Suite struct ReporterAPITests {
    @Test func flushReturnsOnceTheServerConfirmed() async throws {
        let server = try await LiveServer.start()
        let reporter = FunnelReporter(
            endpoint: IngestEndpoint(server: server.baseURL), configuration: ReporterConfiguration(flushInterval: .seconds(3600)), logger: CapturedLog().logger
        )
        let run = Task { try await reporter.run() }
        let export = try reporter.stage("export", of: "nightly")
        export.received(count: 8)
        export.passed(count: 8)
        #expect(try await reporter.flush())
        #expect(try await server.stages(of: "nightly")["export"]?.counts == [8, 8, 0, 0], "confirmed when flush returns, not eventually")
        #expect(try await reporter.flush(), "nothing to send returns at once")
        await reporter.shutdown()
        try await run.value
        #expect(try await reporter.flush(), "a stopped reporter returns at once")
        try await server.stop()
    }

    /// End-to-end latencies reach the pipeline's histogram with their own distribution, beside the stage latency.
    @Test func endToEndLatencyReachesThePipeline() async throws {
        let server = try await LiveServer.start()
        let reporter = FunnelReporter(
            endpoint: IngestEndpoint(server: server.baseURL), configuration: ReporterConfiguration(flushInterval: .seconds(3600)), logger: CapturedLog().logger
        )
        let run = Task { try await reporter.run() }
        let deliver = try reporter.stage("deliver", of: "e2e")
        deliver.passed(count: 6, latency: .milliseconds(4), endToEnd: .milliseconds(300))
        deliver.passed(count: 4, latency: .milliseconds(4), endToEnd: .milliseconds(2000))
        deliver.passed(count: 5, latency: .milliseconds(9))
        #expect(try await reporter.flush())
        #expect(try await server.stages(of: "e2e")["deliver"]?.passed == 15)
        #expect(try await server.stages(of: "e2e")["deliver"]?.latencyCount == 15)
        #expect(try await server.metric(#"funnel_pipeline_end_to_end_latency_seconds_count{pipeline="e2e"}"#) == 10)
        #expect(try await server.metric(#"funnel_pipeline_end_to_end_latency_seconds_bucket{pipeline="e2e",le="0.5"}"#) == 6)
        await reporter.shutdown()
        try await run.value
        try await server.stop()
    }
}
