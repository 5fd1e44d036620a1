import CoreMetrics
import Foundation
import FunnelClient
import FunnelCore
import FunnelTesting
import Metrics
import MetricsTestKit
import Testing

/// A service instrumented with swift-metrics only, reporting to a live Funnel through ``FunnelMetricsFactory``.
@Suite struct FunnelMetricsFactoryTests {
    /// The one test in the process that bootstraps the global metrics system.
    @Test func aServiceUsingOnlySwiftMetricsProducesExactCountsAndLatencies() async throws {
        let server = try await LiveServer.start()
        let reporter = FunnelReporter(
            endpoint: IngestEndpoint(server: server.baseURL), configuration: FunnelReporterTests.configuration(), logger: FunnelReporterTests.logger
        )
        let others = TestMetrics()
        MetricsSystem.bootstrap(FunnelMetricsFactory(reporter: reporter, fallback: others))
        let run = Task { try await reporter.run() }

        let received = Counter(label: "funnel.events", dimensions: [("pipeline", "orders"), ("stage", "ingest"), ("outcome", "received")])
        let passed = Counter(label: "funnel.events", dimensions: [("pipeline", "orders"), ("stage", "ingest"), ("outcome", "passed")])
        let process = Timer(label: "funnel.latency", dimensions: [("pipeline", "orders"), ("stage", "process")])
        let requests = Counter(label: "http.requests", dimensions: [("route", "/orders")])
        for _ in 0..<20 {
            received.increment(by: 5)
            passed.increment(by: 4)
            requests.increment()
        }
        for millis in [10, 20, 30, 40] {
            process.recordMilliseconds(millis)
        }
        Counter(label: "funnel.events", dimensions: [("pipeline", "orders"), ("stage", "deliver"), ("outcome", "dead_lettered")]).increment()
        Gauge(label: "funnel.dlq.depth", dimensions: [("pipeline", "orders"), ("queue", "orders-dlq")]).record(3)

        #expect(try await eventually { FunnelReporterTests.total(try await server.stages(of: "orders")) == 185 })
        let stages = try await server.stages(of: "orders")
        #expect(stages["ingest"]?.counts == [100, 80, 0, 0])
        #expect(stages["process"]?.counts == [0, 4, 0, 0])
        #expect(stages["process"]?.latencyCount == 4)
        #expect(abs((stages["process"]?.latencyMaxMillis ?? 0) - 40) <= 40 * LatencySketch.relativeAccuracy)
        #expect(stages["deliver"]?.counts == [0, 0, 0, 1])
        #expect(try await eventually { try await server.metric(#"funnel_dlq_depth{pipeline="orders",queue="orders-dlq"}"#) == 3 })
        #expect(try others.expectCounter("http.requests", [("route", "/orders")]).totalValue == 20)
        #expect(others.counters(label: "funnel.events").isEmpty)
        await reporter.shutdown()
        try await run.value
        #expect(reporter.statistics.deliveredEvents == 185)
        try await server.stop()
    }

    @Test func funnelMetricsWithDimensionsThatDoNotMapAndOtherMetricsWithoutAFallbackAreDropped() async throws {
        let server = try await LiveServer.start()
        let reporter = FunnelReporter(
            endpoint: IngestEndpoint(server: server.baseURL), configuration: FunnelReporterTests.configuration(), logger: FunnelReporterTests.logger
        )
        let factory = FunnelMetricsFactory(reporter: reporter, logger: FunnelReporterTests.logger)
        let run = Task { try await reporter.run() }
        Counter(label: "funnel.events", dimensions: [("pipeline", "orders"), ("stage", "ingest")], factory: factory).increment(by: 3)
        Counter(label: "funnel.events", dimensions: [("pipeline", "orders"), ("stage", "ingest"), ("outcome", "lost")], factory: factory).increment(by: 3)
        Counter(label: "funnel.events", dimensions: [("pipeline", "bad name"), ("stage", "ingest"), ("outcome", "passed")], factory: factory).increment()
        Counter(label: "http.requests", factory: factory).increment()
        Counter(label: "funnel.events", dimensions: [("pipeline", "orders"), ("stage", "ingest"), ("outcome", "failed")], factory: factory).increment(by: 2)
        #expect(try await eventually { try await server.stages(of: "orders")["ingest"]?.counts == [0, 0, 2, 0] })
        await reporter.shutdown()
        try await run.value
        #expect(reporter.statistics.recordedEvents == 2)
        try await server.stop()
    }
}
