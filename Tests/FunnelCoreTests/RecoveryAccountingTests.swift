import FunnelCore
import SeededRandom
import Testing

/// 2026-11-26T10:15:00Z, the start of a one-minute bucket.
private let t0: Int64 = 1_795_688_100_000
private let minute: Int64 = 60_000
/// Well after the t0 bucket settles (end + 5 minutes).
private let settledNow = t0 + 10 * minute

private func report(_ stage: String, _ outcome: Outcome, _ count: UInt64, at millis: Int64 = t0, pipeline: String = "orders") -> StageReport {
    StageReport(pipeline: pipeline, stage: stage, outcome: outcome, count: count, eventTimeMillis: millis)
}

private func ingest(_ ledger: inout FunnelLedger, _ reports: [StageReport], now: Int64) throws {
    let batch = try ledger.admit(reports, nowMillis: now)
    ledger.apply(batch, nowMillis: now)
}

private let ordersPolicy = LedgerPolicy(pipelines: [PipelineDefinition(name: "orders", stages: ["ingest", "process", "deliver"])])

/// The README's worked example: `process` loses 150 of 1,000 events and dead-letters 20; the 20 are redriven and
/// the 150 replayed from the ingestion log, all delivered.
private func originalRun() -> [StageReport] {
    [
        report("ingest", .received, 1000), report("ingest", .passed, 1000),
        report("process", .received, 1000), report("process", .passed, 830), report("process", .deadLettered, 20),
        report("deliver", .received, 830), report("deliver", .passed, 830),
    ]
}

private func redrive() -> [StageReport] {
    [report("process", .redriven, 20), report("process", .passed, 20), report("deliver", .received, 20), report("deliver", .passed, 20)]
}

private func replay() -> [StageReport] {
    [report("process", .replayed, 150), report("process", .passed, 150), report("deliver", .received, 150), report("deliver", .passed, 150)]
}

@Suite struct RecoveryAccountingTests {
    @Test func theWorkedExampleKeepsTheLossAsHistoryAndEndsWithNothingMissing() throws {
        var ledger = FunnelLedger(policy: ordersPolicy)
        try ingest(&ledger, originalRun(), now: t0)
        ledger.settle(nowMillis: settledNow)
        var funnel = try #require(ledger.funnel(pipeline: "orders"))
        #expect(funnel.stages.map(\.lost) == [0, 150, 0])
        #expect(funnel.totals.recoverable == 20)
        #expect(funnel.totals.recovered == 0)
        #expect(funnel.totals.netMissing == 150)
        #expect(funnel.totals.deliveryRatio == 0.83)
        #expect(funnel.totals.recoverableDeliveryRatio == 0.85)
        #expect(funnel.stages[1].dlqOutstanding == 20)

        // The dead-letter queue is redriven after the bucket settled: recoverable goes to recovered.
        try ingest(&ledger, redrive(), now: settledNow)
        ledger.settle(nowMillis: settledNow)
        funnel = try #require(ledger.funnel(pipeline: "orders"))
        #expect(funnel.totals.recoverable == 0)
        #expect(funnel.totals.recovered == 20)
        #expect(funnel.totals.netMissing == 150)
        #expect(funnel.stages[1].dlqOutstanding == 0)
        #expect(funnel.stages.map(\.lost) == [0, 150, 0])

        // The 150 are replayed from the ingestion log into the middle stage.
        try ingest(&ledger, replay(), now: settledNow + minute)
        ledger.settle(nowMillis: settledNow + minute)
        funnel = try #require(ledger.funnel(pipeline: "orders"))
        #expect(funnel.stages.map(\.lost) == [0, 150, 0], "the loss stays visible as history")
        #expect(funnel.stages[1].redriven == 20)
        #expect(funnel.stages[1].replayed == 150)
        #expect(funnel.transit.map(\.lost) == [0, 0], "redriven and replayed events are not transit input")
        #expect(funnel.totals.ingested == 1000)
        #expect(funnel.totals.delivered == 1000)
        #expect(funnel.totals.recovered == 170)
        #expect(funnel.totals.recoverable == 0)
        #expect(funnel.totals.netMissing == 0)
        #expect(funnel.totals.deliveryRatio == 1.0)
        #expect(funnel.totals.recoverableDeliveryRatio == 1.0)
        #expect(funnel.totals.lost == 150)
        #expect(funnel.totals.excess == 0)
    }

    @Test func recoveryOutcomesAreNotLateEventsButDownstreamReceiptsOfThemAre() throws {
        var ledger = FunnelLedger(policy: ordersPolicy)
        try ingest(&ledger, originalRun(), now: t0)
        ledger.settle(nowMillis: settledNow)
        try ingest(&ledger, redrive() + replay(), now: settledNow)
        let funnel = try #require(ledger.funnel(pipeline: "orders"))
        // process: 170 passed after settling are late (an ordinary outcome); its redriven and replayed are not.
        #expect(funnel.stages.map(\.lateEvents) == [0, 170, 340])
    }

    @Test func theOrderReportsArriveInDoesNotChangeAnyFigure() throws {
        var expected = FunnelLedger(policy: ordersPolicy)
        try ingest(&expected, originalRun() + redrive() + replay(), now: t0)
        expected.settle(nowMillis: settledNow)
        let reference = try #require(expected.funnel(pipeline: "orders", includeBuckets: true))

        var random = SeededGenerator(state: 18)
        for _ in 0..<20 {
            // Split into single events across several requests, shuffled: replays may come before the loss they make good.
            var events = (originalRun() + redrive() + replay()).flatMap { report in
                (0..<Int(report.count / 10)).map { _ in StageReport(pipeline: "orders", stage: report.stage, outcome: report.outcome, count: 10, eventTimeMillis: t0) }
            }
            events.shuffle(using: &random)
            var ledger = FunnelLedger(policy: ordersPolicy)
            var start = 0
            while start < events.count {
                let end = min(events.count, start + Int.random(in: 1...40, using: &random))
                try ingest(&ledger, Array(events[start..<end]), now: t0)
                start = end
            }
            ledger.settle(nowMillis: settledNow)
            let funnel = try #require(ledger.funnel(pipeline: "orders", includeBuckets: true))
            #expect(funnel.totals == reference.totals)
            #expect(funnel.stages.map(\.lost) == reference.stages.map(\.lost))
            #expect(funnel.buckets == reference.buckets)
        }
        #expect(reference.totals.netMissing == 0)
        #expect(reference.totals.recovered == 170)
    }

    @Test func redeliveriesAreRetriesNeverLoss() throws {
        var ledger = FunnelLedger(policy: LedgerPolicy(pipelines: [PipelineDefinition(name: "orders", stages: ["ingest", "process"])]))
        try ingest(&ledger, [
            report("ingest", .received, 400), report("ingest", .passed, 400),
            report("process", .received, 400), report("process", .redelivered, 30), report("process", .passed, 396), report("process", .failed, 4),
        ], now: t0)
        ledger.settle(nowMillis: settledNow)
        let funnel = try #require(ledger.funnel(pipeline: "orders"))
        let process = funnel.stages[1]
        #expect(process.redelivered == 30)
        #expect(process.retryRatio == 0.075)
        #expect(process.lost == 0)
        #expect(process.excess == 0)
        #expect(funnel.transit[0].lost == 0, "a redelivery is not a receipt of transit")
        #expect(funnel.transit[0].excess == 0)
        #expect(funnel.stages[0].retryRatio == 0)
        #expect(funnel.totals.settledFailed == 4)
        #expect(funnel.totals.netMissing == 0)
        #expect(funnel.totals.recovered == 0)
    }

    @Test func replaysIntoTheFirstStageAreNotIngested() throws {
        var ledger = FunnelLedger(policy: LedgerPolicy(pipelines: [PipelineDefinition(name: "orders", stages: ["ingest", "deliver"])]))
        try ingest(&ledger, [
            report("ingest", .received, 100), report("ingest", .passed, 90), report("deliver", .received, 90), report("deliver", .passed, 90),
            report("ingest", .replayed, 10), report("ingest", .passed, 10), report("deliver", .received, 10), report("deliver", .passed, 10),
        ], now: t0)
        ledger.settle(nowMillis: settledNow)
        let funnel = try #require(ledger.funnel(pipeline: "orders"))
        #expect(funnel.totals.ingested == 100)
        #expect(funnel.totals.settledIngested == 100)
        #expect(funnel.totals.delivered == 100)
        #expect(funnel.totals.deliveryRatio == 1.0)
        #expect(funnel.stages[0].lost == 10)
        #expect(funnel.totals.recovered == 10)
        #expect(funnel.totals.netMissing == 0)
    }

    @Test func netMissingIsNeverNegativeAndFailedEventsAreNotMissing() throws {
        var ledger = FunnelLedger(policy: LedgerPolicy(pipelines: [PipelineDefinition(name: "orders", stages: ["ingest", "deliver"])]))
        try ingest(&ledger, [
            report("ingest", .received, 100), report("ingest", .passed, 95), report("ingest", .failed, 5),
            report("deliver", .received, 95), report("deliver", .passed, 95),
            report("ingest", .received, 50, at: t0 + minute), report("ingest", .passed, 50, at: t0 + minute),
            report("deliver", .received, 60, at: t0 + minute), report("deliver", .passed, 60, at: t0 + minute),
        ], now: t0)
        ledger.settle(nowMillis: settledNow + minute)
        let funnel = try #require(ledger.funnel(pipeline: "orders", includeBuckets: true))
        #expect(funnel.totals.settledFailed == 5)
        #expect(funnel.totals.netMissing == 0, "150 in, 155 delivered, 5 failed: more out than in is excess, not negative missing")
        #expect(funnel.totals.excess == 10)
        let buckets = try #require(funnel.buckets)
        #expect(buckets.map(\.netMissing) == [0, 0])
        #expect(buckets.map(\.ingested) == [100, 50])
        #expect(buckets.map(\.delivered) == [95, 60])
    }

    @Test func eachSettledBucketCarriesItsOwnRecoveryFigures() throws {
        var ledger = FunnelLedger(policy: ordersPolicy)
        try ingest(&ledger, originalRun(), now: t0)
        try ingest(&ledger, originalRun().map { StageReport(pipeline: "orders", stage: $0.stage, outcome: $0.outcome, count: $0.count, eventTimeMillis: t0 + minute) }, now: t0)
        try ingest(&ledger, redrive(), now: t0)
        ledger.settle(nowMillis: settledNow + minute)
        let buckets = try #require(ledger.funnel(pipeline: "orders", includeBuckets: true)?.buckets)
        #expect(buckets.map(\.recovered) == [20, 0])
        #expect(buckets.map(\.recoverable) == [0, 20])
        #expect(buckets.map(\.netMissing) == [150, 150])
        #expect(buckets.map { $0.stages[1].dlqOutstanding } == [0, 20])
        #expect(buckets.map { $0.stages[1].redriven } == [20, 0])

        // Unsettled, a bucket's difference is still in flight: nothing is called missing.
        ledger = FunnelLedger(policy: ordersPolicy)
        try ingest(&ledger, originalRun(), now: t0)
        ledger.settle(nowMillis: t0 + minute)
        let open = try #require(ledger.funnel(pipeline: "orders", includeBuckets: true))
        #expect(open.buckets?.map(\.netMissing) == [0])
        #expect(open.totals.netMissing == 0)
        #expect(open.totals.recoverable == 0, "totals are settled figures")
        #expect(open.stages[1].dlqOutstanding == 20, "a stage's line counts every bucket, settled or not")
    }

    @Test func aRedriveBeyondWhatWasDeadLetteredLeavesNothingOutstandingAndShowsAsExcess() throws {
        var ledger = FunnelLedger(policy: LedgerPolicy(pipelines: [PipelineDefinition(name: "orders", stages: ["process"])]))
        try ingest(&ledger, [
            report("process", .received, 10), report("process", .passed, 8), report("process", .deadLettered, 2),
            report("process", .redriven, 5), report("process", .passed, 5),
        ], now: t0)
        ledger.settle(nowMillis: settledNow)
        let stage = try #require(ledger.funnel(pipeline: "orders")?.stages.first)
        #expect(stage.dlqOutstanding == 0)
        #expect(stage.lost == 0)
        #expect(stage.excess == 0)
        #expect(stage.settled.inputs == 15)
    }

    @Test func recoveryCountsAreCheckedAgainstTheCounterMaximumLikeAnyOther() throws {
        var ledger = FunnelLedger(policy: ordersPolicy)
        try ingest(&ledger, [report("process", .replayed, StageCounts.maximum)], now: t0)
        #expect(throws: ReportRejection.self) { try ledger.admit([report("process", .replayed, 1)], nowMillis: t0) }
        try ingest(&ledger, [report("process", .redriven, StageCounts.maximum)], now: t0)
        ledger.settle(nowMillis: settledNow)
        let stage = try #require(ledger.funnel(pipeline: "orders")?.stages[1])
        #expect(stage.settled.inputs == 2 * StageCounts.maximum)
        #expect(stage.excess == 0)
        #expect(stage.lost == 2 * StageCounts.maximum)
    }

    @Test func outcomesParseByTheirWireNames() {
        #expect(Outcome(name: "redelivered") == .redelivered)
        #expect(Outcome(name: "redriven") == .redriven)
        #expect(Outcome(name: "replayed") == .replayed)
        #expect(Outcome.allCases.filter(\.isRecovery) == [.redelivered, .redriven, .replayed])
        #expect(Outcome.expectedNames == "received, passed, failed, dead_lettered, redelivered, redriven or replayed")
    }
}
