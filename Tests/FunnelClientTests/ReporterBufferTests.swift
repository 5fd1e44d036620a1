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

    @Test func dropsTheOldestUnsentBatchesBeyondTheBound() {
        var buffer = ReporterBuffer(configuration: ReporterConfiguration(maximumBatchSeries: 1, maximumBufferedSeries: 2))
        for index in 0..<5 {
            let sealed = buffer.record(SeriesKey(pipeline: "p", stage: "s\(index)", outcome: .received, bucketMillis: t0), count: 10, latencyMillis: nil)
            #expect(sealed)
        }
        #expect(buffer.batches.map { $0.reports[0].stage } == ["s3", "s4"])
        #expect(buffer.statistics.droppedEvents == 30)
        #expect(buffer.snapshot.pendingEvents == 20)
        let head = buffer.takeHead()
        #expect(head?.reports[0].stage == "s3")
        _ = buffer.record(SeriesKey(pipeline: "p", stage: "s5", outcome: .received, bucketMillis: t0), count: 10, latencyMillis: nil)
        #expect(buffer.batches.map { $0.reports[0].stage } == ["s3", "s5"], "the batch in flight is never dropped")
        let untold = buffer.confirmHead(replayed: false)
        #expect(untold?.events == 40)
        #expect(untold?.batches == 4)
        _ = buffer.takeHead()
        let again = buffer.confirmHead(replayed: false)
        #expect(again == nil, "drops are told once")
    }

    @Test func aRetryKeepsItsKeyAndARefusedReportLeavesTheRestWithANewKey() throws {
        var buffer = ReporterBuffer(configuration: ReporterConfiguration())
        _ = buffer.record(SeriesKey(pipeline: "p", stage: "a", outcome: .received, bucketMillis: t0), count: 2, latencyMillis: nil)
        _ = buffer.record(SeriesKey(pipeline: "p", stage: "b", outcome: .received, bucketMillis: t0), count: 3, latencyMillis: nil)
        buffer.seal()
        let taken = buffer.takeHead()
        let first = try #require(taken)
        let attempts = buffer.failHead()
        #expect(attempts == 1)
        let retaken = buffer.takeHead()
        let retry = try #require(retaken)
        #expect(retry.idempotencyKey == first.idempotencyKey)
        #expect(retry.body == first.body)
        buffer.refuseHead(index: 0)
        let remaining = buffer.takeHead()
        let rest = try #require(remaining)
        #expect(rest.reports.map(\.stage) == ["b"])
        #expect(rest.idempotencyKey != first.idempotencyKey)
        #expect(buffer.statistics.rejectedEvents == 2)
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
