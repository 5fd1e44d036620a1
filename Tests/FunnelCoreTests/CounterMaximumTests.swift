import FunnelCore
import Foundation
import Testing

/// 2026-11-26T10:15:00Z, the start of a one-minute bucket.
private let t0: Int64 = 1_795_688_100_000
private let minute: Int64 = 60_000
private let largest = ReportBodyParser.maximumCount

private func reports(_ stage: String, _ outcome: Outcome, each count: UInt64, times: Int, at millis: Int64 = t0) -> [StageReport] {
    Array(repeating: StageReport(pipeline: "orders", stage: stage, outcome: outcome, count: count, eventTimeMillis: millis), count: times)
}

/// Counts can never wrap: a report that would take a series past ``StageCounts/maximum`` is refused whole, before
/// anything changes, and no query traps on any counter the ledger holds.
@Suite struct CounterMaximumTests {
    /// Fills `outcome` of `stage` up to `StageCounts.maximum - left`, in requests of 1,000 reports of 10^12.
    static func fill(_ ledger: inout FunnelLedger, _ stage: String, _ outcome: Outcome, leaving left: UInt64 = 0, at millis: Int64 = t0) throws {
        var remaining = StageCounts.maximum - left
        while remaining > 0 {
            let chunk = min(remaining, 1_000 * largest)
            var batch = reports(stage, outcome, each: largest, times: Int(chunk / largest))
            if chunk % largest > 0 { batch.append(StageReport(pipeline: "orders", stage: stage, outcome: outcome, count: chunk % largest, eventTimeMillis: millis)) }
            let admitted = try ledger.admit(batch, nowMillis: t0)
            ledger.apply(admitted, nowMillis: t0)
            remaining -= chunk
        }
    }

    @Test func aSeriesCountsExactlyUpToTheMaximum() throws {
        var ledger = FunnelLedger()
        try Self.fill(&ledger, "ingest", .passed)
        let stage = try #require(ledger.funnel(pipeline: "orders")?.stages.first)
        #expect(stage.passed == StageCounts.maximum)
        #expect(StageCounts.maximum == 9_007_199_254_740_991)
    }

    @Test(arguments: Outcome.allCases, [UInt64(1), 2, 1_000, largest])
    func oneEventPastTheMaximumRefusesTheWholeRequestAndChangesNothing(outcome: Outcome, over: UInt64) throws {
        var ledger = FunnelLedger()
        try Self.fill(&ledger, "ingest", outcome, leaving: over - 1)
        let before = try #require(ledger.funnel(pipeline: "orders"))
        let request = [
            StageReport(pipeline: "orders", stage: "other", outcome: .received, count: 5, eventTimeMillis: t0),
            StageReport(pipeline: "orders", stage: "ingest", outcome: outcome, count: over, eventTimeMillis: t0 + minute),
        ]
        #expect(throws: ReportRejection.self) { try ledger.admit(request, nowMillis: t0) }
        do {
            _ = try ledger.admit(request, nowMillis: t0)
        } catch {
            #expect(error.reason == .countOverflow)
            #expect(error.index == 1)
            #expect(error.field == "count")
            #expect(error.problem.contains("orders/ingest/\(outcome.name)"), "names the series: \(error)")
            #expect(error.problem.contains("9007199254740991"), "names the maximum: \(error)")
        }
        #expect(ledger.funnel(pipeline: "orders") == before, "nothing of the refused request was counted")
    }

    /// Many reports in one request that only together pass the maximum.
    @Test func aRequestWhoseReportsTogetherPassTheMaximumIsRefused() throws {
        var ledger = FunnelLedger()
        try Self.fill(&ledger, "deliver", .received, leaving: 3 * largest)
        #expect(throws: ReportRejection.self) { try ledger.admit(reports("deliver", .received, each: largest, times: 4), nowMillis: t0) }
        let admitted = try ledger.admit(reports("deliver", .received, each: largest, times: 3), nowMillis: t0)
        ledger.apply(admitted, nowMillis: t0)
        #expect(ledger.funnel(pipeline: "orders")?.stages.first?.received == StageCounts.maximum)
    }

    /// Requests admitted at once (persisting in one group commit) cannot pass the maximum together: what each
    /// admitted batch takes is held as pending until it is applied or released.
    @Test func concurrentlyAdmittedBatchesCannotPassTheMaximumTogether() throws {
        var ledger = FunnelLedger()
        try Self.fill(&ledger, "ingest", .received, leaving: 2 * largest)
        var pending = PendingAdmissions()
        let first = try ledger.admit(
            IngestEntries(stageReports: reports("ingest", .received, each: largest, times: 2)), policy: .allOrNothing, pending: pending, nowMillis: t0
        ).batch
        pending.hold(first)
        #expect(throws: ReportRejection.self, "the first batch's hold counts") {
            try ledger.admit(IngestEntries(stageReports: reports("ingest", .received, each: 1, times: 1)), policy: .allOrNothing, pending: pending, nowMillis: t0)
        }
        pending.release(first)
        #expect(pending.isEmpty)
        let second = try ledger.admit(
            IngestEntries(stageReports: reports("ingest", .received, each: largest, times: 2)), policy: .allOrNothing, pending: pending, nowMillis: t0
        ).batch
        pending.hold(second)
        ledger.apply(second, nowMillis: t0)
        pending.release(second)
        #expect(pending.isEmpty)
        #expect(ledger.funnel(pipeline: "orders")?.stages.first?.received == StageCounts.maximum)
    }

    /// The case: passed and failed both near the maximum at one stage, and received at zero: the loss
    /// computation, the bucket detail and the totals answer without trapping.
    @Test func lossAtTheMaximumOfEveryOutcomeComputesWithoutTrapping() throws {
        var ledger = FunnelLedger()
        for outcome in [Outcome.passed, .failed, .deadLettered] { try Self.fill(&ledger, "process", outcome) }
        try Self.fill(&ledger, "deliver", .received)
        ledger.settle(nowMillis: t0 + 10 * minute)
        let funnel = try #require(ledger.funnel(pipeline: "orders", includeBuckets: true))
        #expect(funnel.stages[0].excess == 3 * StageCounts.maximum)
        #expect(funnel.stages[0].lost == 0)
        #expect(funnel.transit.first?.lost == 0)
        #expect(funnel.transit.first?.excess == 0, "passed and received are both at the maximum")
        #expect(funnel.totals.excess == 3 * StageCounts.maximum)
        #expect(funnel.totals.lost == StageCounts.maximum, "deliver received the maximum and passed nothing")
        #expect(funnel.buckets?.first?.stages.first?.excess == 3 * StageCounts.maximum)
        let bounded = try #require(ledger.funnel(pipeline: "orders", fromMillis: t0, toMillis: t0 + minute))
        #expect(bounded.stages == funnel.stages)
        _ = try JSONEncoder().encode(funnel)
    }

    /// What a restore may bring back from an old or damaged database: counters at `UInt64.max`. Queries saturate.
    @Test func queriesSaturateOnRestoredCountersBeyondTheMaximum() throws {
        var ledger = FunnelLedger()
        for outcome in Outcome.allCases {
            for bucket in 0..<3 {
                ledger.restoreCount(.max, at: BucketKey(pipeline: "orders", stage: "ingest", outcome: outcome, bucketStart: (t0 + Int64(bucket) * minute) / 1000))
            }
        }
        ledger.restoreCount(.max, at: BucketKey(pipeline: "orders", stage: "deliver", outcome: .received, bucketStart: t0 / 1000))
        ledger.restorePruned(StageCounts(received: .max, passed: .max, failed: 1, deadLettered: .max), pipeline: "orders", stage: "ingest")
        ledger.restoreLateEvents(.max, pipeline: "orders", stage: "ingest")
        ledger.restoreLateEvents(.max, pipeline: "orders", stage: "ingest")
        ledger.settle(nowMillis: t0 + 10 * minute)
        let funnel = try #require(ledger.funnel(pipeline: "orders", includeBuckets: true))
        #expect(funnel.stages[0].lateEvents == .max)
        #expect(funnel.stages[1].received == .max)
        _ = ledger.funnel(pipeline: "orders", fromMillis: t0, toMillis: t0 + 3 * minute, includeBuckets: true)
        _ = ledger.prune(nowMillis: t0 + 100 * 3_600_000)
        _ = try JSONEncoder().encode(funnel)
        #expect(throws: ReportRejection.self, "a saturated series takes nothing more") {
            try ledger.admit([StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 1, eventTimeMillis: nil)], nowMillis: t0 + 100 * 3_600_000)
        }
    }

    /// Values a caller of the ledger (the Swift client, a DLQ poller) could make up, past what any parser lets
    /// through: refused, never a trap.
    @Test(arguments: [Int64.min, Int64.min + 1, -1, Int64.max, Int64.max - 999, 9_223_372_036_854_775])
    func madeUpTimesAreRefusedWithoutTrapping(millis: Int64) {
        let ledger = FunnelLedger()
        #expect(throws: ReportRejection.self) {
            try ledger.admit([StageReport(pipeline: "orders", stage: "s", outcome: .received, count: 1, eventTimeMillis: millis)], nowMillis: t0)
        }
        #expect(throws: ReportRejection.self) {
            try ledger.admit(ReportBody(queueDepths: [QueueDepthReport(pipeline: "orders", queue: "q", depth: 1, timeMillis: millis)]), nowMillis: t0)
        }
    }

    @Test(arguments: [StageCounts.maximum + 1, UInt64(Int64.max), .max])
    func depthsPastTheCounterMaximumAreRefusedWhateverTheWayIn(depth: UInt64) {
        let ledger = FunnelLedger()
        #expect(throws: ReportRejection(.numberOutOfRange, index: 0, field: "depth", "number out of range: must be an integer from 0 to 9007199254740991, got \(depth)")) {
            try ledger.admit(ReportBody(queueDepths: [QueueDepthReport(pipeline: "orders", queue: "q", depth: depth)]), nowMillis: t0)
        }
    }

    @Test func stageCountArithmeticSaturatesInsteadOfWrapping() {
        let full = StageCounts(received: .max, passed: .max, failed: .max, deadLettered: .max)
        #expect(full + full == full)
        #expect(StageCounts.zero - full == .zero)
        #expect(full.unaccounted == Int64.min, "received - three times UInt64.max, clamped")
        #expect(StageCounts(received: .max).unaccounted == Int64.max)
        #expect(StageCounts(received: 10, passed: 3, failed: 2, deadLettered: 1).unaccounted == 4)
        #expect([UInt64.max, 1].saturatingSum() == .max)
    }
}
