import Foundation
import FunnelClient
import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

/// A refusal drops every series of the batch breaking the same rule in one step, logged once per cause with its count.
@Suite struct ReporterRefusalTests {
    static func configuration() -> ReporterConfiguration {
        ReporterConfiguration(flushInterval: .seconds(3600), requestTimeout: .seconds(5), initialBackoff: .milliseconds(10), shutdownTimeout: .seconds(5))
    }

    /// Three seconds of a worker whose clock is `offset` off: three stages, every outcome, latencies spread over
    /// 40 sketch buckets; returns the events recorded.
    static func record(_ reporter: FunnelReporter, pipeline: String, offset: TimeInterval) throws -> UInt64 {
        let start = Date(timeIntervalSinceNow: offset)
        var events: UInt64 = 0
        for second in 0..<3 {
            let eventTime = start.addingTimeInterval(Double(second))
            for name in ["ingest", "enrich", "deliver"] {
                let stage = try reporter.stage(name, of: pipeline)
                for step in 0..<40 {
                    stage.received(count: 3, eventTime: eventTime)
                    stage.passed(count: 2, eventTime: eventTime, latency: .microseconds(1000 + 1000 * step))
                    stage.failed(count: 1, eventTime: eventTime)
                    events += 6
                }
                stage.deadLettered(count: 4, eventTime: eventTime)
                events += 4
            }
        }
        return events
    }

    @Test func aClockTwoHoursAheadCostsOneRefusedRequest() async throws {
        let server = try await LiveServer.start()
        let log = CapturedLog()
        let reporter = FunnelReporter(endpoint: IngestEndpoint(server: server.baseURL), configuration: Self.configuration(), logger: log.logger)
        let run = Task { try await reporter.run() }
        let events = try Self.record(reporter, pipeline: "ahead", offset: 2 * 3600)
        #expect(try await reporter.flush() == false)
        #expect(reporter.statistics.rejectedEvents == events)
        #expect(reporter.statistics.rejectedEventsByReason == ["event_time_out_of_range": events])
        #expect(try await server.metric(#"funnel_ingest_rejected_total{reason="event_time_out_of_range"}"#) == 1)
        #expect(try await eventually { log.warnings(containing: "Funnel server refused").count == 1 })
        let line = try #require(log.warnings(containing: "Funnel server refused").first)
        #expect(line.message.contains("refused \(events) events in 36 series for event_time_out_of_range"))
        #expect(line.message.contains("in the future"))
        await reporter.shutdown()
        try await run.value
        #expect(log.warnings(containing: "Funnel server refused").count == 1, "nothing left to tell at shutdown")
        #expect(try await server.stages(of: "ahead").isEmpty)
        try await server.stop()
    }

    /// Past retention, the first refusal names the oldest series; the rest is sent newest first, so the second names
    /// the newest too old and takes all the others with it.
    @Test func eventTimesPastRetentionCostTwoRefusedRequests() async throws {
        let server = try await LiveServer.start()
        let log = CapturedLog()
        let reporter = FunnelReporter(endpoint: IngestEndpoint(server: server.baseURL), configuration: Self.configuration(), logger: log.logger)
        let run = Task { try await reporter.run() }
        let old = try Self.record(reporter, pipeline: "old", offset: -100 * 3600)
        reporter.received(pipeline: "fresh", stage: "a", count: 5)
        #expect(try await reporter.flush() == false)
        #expect(reporter.statistics.rejectedEventsByReason == ["event_time_out_of_range": old])
        #expect(reporter.statistics.deliveredEvents == 5)
        #expect(try await server.metric(#"funnel_ingest_rejected_total{reason="event_time_out_of_range"}"#) == 2)
        await reporter.shutdown()
        try await run.value
        let lines = log.warnings(containing: "Funnel server refused")
        #expect(lines.count == 1)
        #expect(lines.first?.message.contains("refused \(old) events in 36 series for event_time_out_of_range") == true)
        #expect(try await server.stages(of: "fresh")["a"]?.received == 5)
        try await server.stop()
    }

    /// Past the server's stage limit, every series of the refused stage goes in one step; other stages are kept.
    @Test func aStageLimitDropsTheRefusedStageOnly() async throws {
        var configuration = FunnelConfiguration()
        configuration.ledger.maximumStagesPerPipeline = 2
        let server = try await LiveServer.start(configuration: configuration)
        let reporter = FunnelReporter(endpoint: IngestEndpoint(server: server.baseURL), configuration: Self.configuration(), logger: CapturedLog().logger)
        let run = Task { try await reporter.run() }
        for stage in ["a", "b", "c"] {
            for step in 0..<10 { reporter.passed(pipeline: "narrow", stage: stage, count: 2, latency: .milliseconds(1 + 10 * step)) }
        }
        #expect(try await reporter.flush() == false)
        #expect(reporter.statistics.rejectedEventsByReason == ["too_many_stages": 20])
        #expect(reporter.statistics.deliveredEvents == 40)
        #expect(try await server.metric(#"funnel_ingest_rejected_total{reason="too_many_stages"}"#) == 1)
        #expect(try await server.stages(of: "narrow").mapValues(\.passed) == ["a": 20, "b": 20])
        await reporter.shutdown()
        try await run.value
        try await server.stop()
    }
}
