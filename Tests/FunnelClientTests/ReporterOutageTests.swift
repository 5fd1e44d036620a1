import Foundation
import FunnelClient
import FunnelCore
import FunnelTesting
import Testing

/// Outages: the byte bound holds, every drop is logged with its true cause while it happens, and statistics tell
/// unsent events from events sent without an answer.
@Suite struct ReporterOutageTests {
    static func everyEventIsAccountedFor(_ statistics: ReporterStatistics) -> Bool {
        statistics.recordedEvents
            == statistics.deliveredEvents + statistics.rejectedEvents + statistics.droppedEvents + statistics.unconfirmedEvents + statistics.pendingEvents
    }

    /// Thirty minutes of a worker reporting while the server is down, in compressed time: one second of event
    /// time per loop, 3 stages x 4 outcomes with latencies over 8 sketch buckets. Memory stays within the byte
    /// bound the whole time, the drops are logged while the server is still down, and what was kept arrives
    /// exactly once the server is back.
    @Test func aThirtyMinuteOutageStaysWithinTheByteBound() async throws {
        let down = try await LiveServer.start()
        try await down.stop()
        let bound = 2 << 20
        let log = CapturedLog()
        let reporter = FunnelReporter(
            endpoint: IngestEndpoint(server: down.baseURL),
            configuration: ReporterConfiguration(
                flushInterval: .milliseconds(20), maximumBufferedBytes: bound, requestTimeout: .seconds(2), initialBackoff: .milliseconds(10),
                maximumBackoff: .milliseconds(200), shutdownTimeout: .seconds(10)
            ),
            logger: log.logger
        )
        let run = Task { try await reporter.run() }
        let start = Date(timeIntervalSinceNow: -1800)
        let stages = try ["ingest", "enrich", "deliver"].map { try reporter.stage($0, of: "outage") }
        var peak = 0
        for second in 0..<1800 {
            let eventTime = start.addingTimeInterval(Double(second))
            for stage in stages {
                stage.received(count: 40, eventTime: eventTime)
                for step in 0..<8 { stage.passed(count: 4, eventTime: eventTime, latency: .milliseconds(2 << step), endToEnd: .milliseconds(100 + 30 * step)) }
                stage.failed(count: 3, eventTime: eventTime)
                stage.deadLettered(count: 5, eventTime: eventTime)
            }
            peak = max(peak, reporter.statistics.bufferedBytes)
            if second % 60 == 59 { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(peak <= bound)
        #expect(reporter.statistics.peakBufferedBytes <= bound)
        #expect(reporter.statistics.droppedAtMemoryBound > 0)
        #expect(reporter.statistics.droppedEvents == reporter.statistics.droppedAtMemoryBound)
        #expect(Self.everyEventIsAccountedFor(reporter.statistics))
        #expect(try await eventually { !log.warnings(containing: "at its memory bound").isEmpty }, "drops are logged while the server is down")
        let line = try #require(log.warnings(containing: "at its memory bound").first)
        #expect(line.message.contains("cannot connect"), "the true cause: \(line.message)")
        #expect(log.all.filter { $0.message.contains("did not confirm a batch") }.count == 1, "one warning when the outage starts")

        let server = try await LiveServer.start(dataDirectory: down.dataDirectory, port: down.port)
        #expect(try await eventually(timeout: .seconds(60)) { reporter.statistics.pendingEvents == 0 })
        let statistics = reporter.statistics
        #expect(statistics.deliveredEvents == statistics.recordedEvents - statistics.droppedEvents)
        let counted = try await server.stages(of: "outage").values.reduce(0) { $0 + $1.counts.reduce(0, +) }
        #expect(counted == statistics.deliveredEvents)
        #expect(log.all.contains { $0.message.contains("confirms again after") })
        await reporter.shutdown()
        try await run.value
        try await server.stop()
    }

    /// Behind a proxy that holds the answers past the request timeout, the server has the events and the reporter
    /// says so: unconfirmed (sent without an answer), not dropped, and the cause is the missing answer, not an
    /// unreachable server.
    @Test func behindASlowProxyLossIsUnconfirmedWithItsTrueCause() async throws {
        let server = try await LiveServer.start()
        let proxy = try await FaultInjectingProxy.start(upstreamPort: server.port)
        proxy.delayAnswers(by: .seconds(3))
        let log = CapturedLog()
        let reporter = FunnelReporter(
            endpoint: IngestEndpoint(server: "http://127.0.0.1:\(proxy.port)"),
            configuration: ReporterConfiguration(
                flushInterval: .seconds(3600), requestTimeout: .milliseconds(300), initialBackoff: .milliseconds(10), shutdownTimeout: .milliseconds(800)
            ),
            logger: log.logger
        )
        reporter.received(pipeline: "slow", stage: "a", count: 17)
        await reporter.shutdown()
        let statistics = reporter.statistics
        #expect(statistics.unconfirmedEvents == 17)
        #expect(statistics.droppedEvents == 0)
        let stopped = try #require(log.warnings(containing: "stopped with").first)
        #expect(stopped.message.contains("0 events unsent and 17 sent without an answer"))
        #expect(stopped.message.contains("no answer within"), "the true cause: \(stopped.message)")
        #expect(!stopped.message.contains("cannot connect"))
        #expect(try await eventually { try await server.stages(of: "slow")["a"]?.received == 17 }, "the server had them")
        await proxy.stop()
        try await server.stop()
    }
}
