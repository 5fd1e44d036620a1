@testable import FunnelClient
import FunnelCore
import Testing

private let t0: Int64 = 1_795_688_100_000

@Suite struct ReporterBufferTests {
    /// A series becomes one report per latency bucket and one for events without latency: exact counts, and
    /// latencies within the server sketch's relative accuracy.
    @Test func seriesBecomeReportsThatKeepCountsAndLatencyDistribution() throws {
        var totals = SeriesTotals()
        totals.add(5, latencyMillis: 10)
        totals.add(3, latencyMillis: 40)
        totals.add(1, latencyMillis: 40.01)
        totals.add(2, latencyMillis: nil)
        totals.add(1, latencyMillis: 0)
        let key = SeriesKey(pipeline: "orders", stage: "ingest", outcome: .passed, bucketMillis: t0)
        let reports = totals.reports(for: key)
        #expect(reports.map(\.count) == [1, 5, 4, 2], "zero, 10 ms, 40 ms (40.01 shares its bucket), no latency")
        #expect(reports.allSatisfy { $0.eventTimeMillis == t0 && $0.outcome == .passed })
        let accuracy = LatencySketch.relativeAccuracy
        #expect(reports[0].latencyMillis == 0)
        #expect(abs(reports[1].latencyMillis! - 10) <= 10 * accuracy)
        #expect(abs(reports[2].latencyMillis! - 40) <= 40 * accuracy)
        #expect(reports[3].latencyMillis == nil)

        var ledger = FunnelLedger()
        ledger.apply(try ledger.admit(reports, nowMillis: t0), nowMillis: t0)
        let stage = try #require(ledger.funnel(pipeline: "orders")?.stages.first)
        #expect(stage.passed == 12)
        #expect(stage.latencyMs.count == 10)
        #expect(abs(stage.latencyMs.p50! - 10) <= 10 * 2 * accuracy)
        #expect(abs(stage.latencyMs.p90! - 40) <= 40 * 2 * accuracy)
    }

    /// A series that gathers more events than one report may carry is sent as several reports the server takes,
    /// not one it would refuse (and the client would then drop).
    @Test func seriesPastTheReportMaximumAreSplitIntoReportsTheServerTakes() throws {
        var totals = SeriesTotals()
        for _ in 0..<5 { totals.add(ReportBodyParser.maximumCount, latencyMillis: nil) }
        totals.add(ReportBodyParser.maximumCount, latencyMillis: 12)
        totals.add(ReportBodyParser.maximumCount, latencyMillis: 12)
        totals.add(7, latencyMillis: 12)
        let reports = totals.reports(for: SeriesKey(pipeline: "orders", stage: "ingest", outcome: .passed, bucketMillis: t0))
        #expect(reports.allSatisfy { $0.count <= ReportBodyParser.maximumCount })
        #expect(reports.map(\.count).reduce(0, +) == 7 * ReportBodyParser.maximumCount + 7)
        let body = ReportBodyWriter.body(reports)
        let parsed = try ReportBodyParser().parse(body)
        #expect(parsed.stageReports == reports, "the server parses every report of the body")
    }

    static func key(_ stage: String, bucket: Int64 = t0, pipeline: String = "p") -> SeriesKey {
        SeriesKey(pipeline: pipeline, stage: stage, outcome: .received, bucketMillis: bucket)
    }

    @Test func dropsTheOldestUnsentBatchesBeyondTheBound() {
        var buffer = ReporterBuffer(configuration: ReporterConfiguration(maximumBatchSeries: 1, maximumBufferedSeries: 2))
        for index in 0..<5 {
            let sealed = buffer.record(Self.key("s\(index)"), count: 10, latencyMillis: nil)
            #expect(sealed)
        }
        #expect(buffer.batches.map { $0.entries[0].key.stage } == ["s3", "s4"])
        #expect(buffer.statistics.droppedEvents == 30)
        #expect(buffer.statistics.droppedAtMemoryBound == 30)
        #expect(buffer.snapshot.pendingEvents == 20)
        let head = buffer.takeHead()
        #expect(head?.entries[0].key.stage == "s3")
        _ = buffer.record(Self.key("s5"), count: 10, latencyMillis: nil)
        #expect(buffer.batches.map { $0.entries[0].key.stage } == ["s3", "s5"], "the batch in flight is never dropped")
        let untold = buffer.untold.take()
        #expect(untold.map(\.cause) == [.memoryBound])
        #expect(untold.first?.tally.droppedEvents == 40)
        #expect(untold.first?.tally.batches == 4)
        #expect(buffer.untold.isEmpty, "drops are told once")
    }

    /// The bound in bytes: what is held is estimated from what is kept, and never passes the bound.
    @Test func theByteBoundHoldsAndTheEstimateFollowsWhatIsKept() {
        let bound = ReporterConfiguration.minimumBufferedBytes
        var buffer = ReporterBuffer(configuration: ReporterConfiguration(maximumBatchSeries: 50, maximumBufferedBytes: bound))
        for index in 0..<5000 {
            _ = buffer.record(Self.key("s\(index % 500)", bucket: t0 + Int64(index / 500) * 1000), count: 1, latencyMillis: Double(index % 7 + 1))
            #expect(buffer.bufferedBytes <= bound)
        }
        #expect(buffer.statistics.droppedAtMemoryBound > 0)
        #expect(buffer.statistics.peakBufferedBytes <= bound)
        let perSeries = buffer.bufferedBytes / buffer.bufferedSeries
        #expect(perSeries > MemoryLayout<SeriesEntry>.stride, "names and latency buckets are counted too")
        #expect(perSeries < 400, "a series with one latency bucket costs a few hundred bytes, not kilobytes: \(perSeries)")
        buffer.giveUpAll()
        #expect(buffer.bufferedBytes == 0)
    }

    /// A batch dropped at the bound while its retries fail does not start the backoff over: the failures count on.
    @Test func theBackoffKeepsGrowingWhenTheBoundDropsTheBatchBeingRetried() {
        var buffer = ReporterBuffer(configuration: ReporterConfiguration(maximumBatchSeries: 1, maximumBufferedSeries: 2))
        _ = buffer.record(Self.key("a"), count: 1, latencyMillis: nil)
        for attempt in 1...3 {
            _ = buffer.takeHead()
            #expect(buffer.failHead(problem: "cannot connect", maybeDelivered: false) == attempt)
        }
        _ = buffer.record(Self.key("b"), count: 1, latencyMillis: nil)
        _ = buffer.record(Self.key("c"), count: 1, latencyMillis: nil)
        #expect(buffer.batches.map { $0.entries[0].key.stage } == ["b", "c"], "the head was dropped")
        _ = buffer.takeHead()
        #expect(buffer.failHead(problem: "cannot connect", maybeDelivered: false) == 4)
    }

    /// A batch sent without an answer and then given up on is unconfirmed, not dropped: the server may have it.
    @Test func aBatchGivenUpOnAfterALostAnswerIsUnconfirmed() {
        var buffer = ReporterBuffer(configuration: ReporterConfiguration())
        _ = buffer.record(Self.key("a"), count: 7, latencyMillis: nil)
        buffer.seal()
        _ = buffer.takeHead()
        _ = buffer.failHead(problem: "no answer within 2 seconds", maybeDelivered: true)
        _ = buffer.record(Self.key("b"), count: 3, latencyMillis: nil)
        buffer.giveUpAll()
        #expect(buffer.statistics.unconfirmedEvents == 7)
        #expect(buffer.statistics.droppedEvents == 3)
        #expect(buffer.untold.take().first?.tally == UntoldLoss.Tally(droppedEvents: 3, unconfirmedEvents: 7, batches: 2))
    }

    @Test func aRetryKeepsItsKeyAndARefusalDropsTheSeriesBreakingItsRule() throws {
        var buffer = ReporterBuffer(configuration: ReporterConfiguration())
        let ahead = t0 + 7_200_000
        _ = buffer.record(Self.key("a", bucket: t0), count: 2, latencyMillis: nil)
        _ = buffer.record(Self.key("b", bucket: ahead), count: 3, latencyMillis: 5)
        _ = buffer.record(Self.key("c", bucket: ahead + 1000), count: 4, latencyMillis: nil)
        _ = buffer.record(Self.key("d", bucket: t0 - 1000), count: 5, latencyMillis: nil)
        buffer.seal()
        let taken = buffer.takeHead()
        let first = try #require(taken)
        #expect(buffer.failHead(problem: "HTTP 503", maybeDelivered: false) == 1)
        let retaken = buffer.takeHead()
        let retry = try #require(retaken)
        #expect(retry.idempotencyKey == first.idempotencyKey)
        #expect(retry.encoded?.body == first.encoded?.body)
        let refusal = buffer.refuseHead(reason: "event_time_out_of_range", index: 1, serverMillis: t0, message: "reports[1].event_time: in the future")
        #expect(refusal == ReporterBuffer.Refusal(reason: "event_time_out_of_range", events: 7, series: 2))
        let remaining = buffer.takeHead()
        let rest = try #require(remaining)
        #expect(rest.entries.map(\.key.stage) == ["a", "d"])
        #expect(rest.idempotencyKey != first.idempotencyKey)
        #expect(buffer.statistics.rejectedEventsByReason == ["event_time_out_of_range": 7])
        #expect(buffer.failHead(problem: "HTTP 503", maybeDelivered: false) == 1, "an answer started the backoff over")
    }

    /// A body too large for the server is sent in two halves under new keys; nothing is dropped.
    @Test func aBatchTooLargeForTheServerIsSplitNotDropped() throws {
        var buffer = ReporterBuffer(configuration: ReporterConfiguration())
        for stage in ["a", "b", "c", "d"] { _ = buffer.record(Self.key(stage), count: 1, latencyMillis: nil) }
        buffer.seal()
        _ = buffer.takeHead()
        let refusal = buffer.refuseHead(reason: "body_too_large", index: nil, serverMillis: nil, message: "body too large")
        #expect(refusal.split)
        #expect(buffer.batches.map { $0.entries.map(\.key.stage) } == [["a", "b"], ["c", "d"]])
        #expect(buffer.statistics.rejectedEvents == 0)
        #expect(buffer.hasSettled(upTo: 1) == false)
    }

    @Test func backoffGrowsExponentiallyWithJitterUpToTheCap() {
        let configuration = ReporterConfiguration(initialBackoff: .milliseconds(100), maximumBackoff: .seconds(1))
        for _ in 0..<50 {
            let first = configuration.backoff(attempt: 1)
            #expect(first >= .milliseconds(50) && first <= .milliseconds(100))
            let third = configuration.backoff(attempt: 3)
            #expect(third >= .milliseconds(200) && third <= .milliseconds(400))
            let late = configuration.backoff(attempt: 40)
            #expect(late >= .milliseconds(500) && late <= .seconds(1))
        }
    }
}
