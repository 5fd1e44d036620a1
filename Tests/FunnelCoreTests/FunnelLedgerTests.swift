import FunnelCore
import Testing

/// 2026-11-26T10:15:00Z, the start of a one-minute bucket.
private let t0: Int64 = 1_795_688_100_000
private let minute: Int64 = 60_000

private func report(_ stage: String, _ outcome: Outcome, _ count: UInt64, at millis: Int64? = t0, pipeline: String = "orders") -> StageReport {
    StageReport(pipeline: pipeline, stage: stage, outcome: outcome, count: count, eventTimeMillis: millis)
}

/// Admits and applies, as the server does after persisting.
private func ingest(_ ledger: inout FunnelLedger, _ reports: [StageReport], now: Int64) throws {
    let batch = try ledger.admit(reports, nowMillis: now)
    ledger.apply(batch, nowMillis: now)
}

@Suite struct FunnelLedgerTests {
    /// Well after the t0 bucket settles (end + 5 minutes).
    let settledNow = t0 + 10 * minute

    @Test func silentLossIsReceivedMinusPassedFailedAndDeadLettered() throws {
        var ledger = FunnelLedger()
        try ingest(&ledger, [
            report("process", .received, 100), report("process", .passed, 90),
            report("process", .failed, 4), report("process", .deadLettered, 3),
        ], now: t0)
        ledger.settle(nowMillis: settledNow)
        let stage = try #require(ledger.funnel(pipeline: "orders")?.stages.first)
        #expect(stage.lost == 3)
        #expect(stage.inFlight == 0)
        #expect(stage.excess == 0)
        #expect((stage.received, stage.passed, stage.failed, stage.deadLettered) == (100, 90, 4, 3))
    }

    @Test func transitLossIsPassedByOneStageButNotReceivedByTheNext() throws {
        var ledger = FunnelLedger()
        try ingest(&ledger, [
            report("ingest", .received, 100), report("ingest", .passed, 100),
            report("process", .received, 95), report("process", .passed, 95),
            report("deliver", .received, 95), report("deliver", .passed, 95),
        ], now: t0)
        ledger.settle(nowMillis: settledNow)
        let funnel = try #require(ledger.funnel(pipeline: "orders"))
        #expect(funnel.transit.map(\.lost) == [5, 0])
        #expect(funnel.transit.first?.from == "ingest")
        #expect(funnel.transit.first?.to == "process")
        #expect(funnel.stages.map(\.lost) == [0, 0, 0])
        #expect(funnel.totals.lost == 5)
        #expect(funnel.totals.deliveryRatio == 0.95)
        #expect(funnel.transit.first?.lossShare == 1)
    }

    @Test func differencesInUnsettledBucketsAreInFlightNotLoss() throws {
        var ledger = FunnelLedger()
        try ingest(&ledger, [report("ingest", .received, 10), report("ingest", .passed, 6), report("process", .received, 4)], now: t0)
        ledger.settle(nowMillis: t0 + minute)
        let funnel = try #require(ledger.funnel(pipeline: "orders"))
        #expect(funnel.stages.map(\.lost) == [0, 0])
        #expect(funnel.stages.map(\.inFlight) == [4, 4])
        #expect(funnel.transit.first?.inFlight == 2)
        #expect(funnel.transit.first?.lost == 0)
        #expect(funnel.totals.deliveryRatio == nil)
    }

    @Test func bucketSettlesExactlyAtItsEndPlusSettleAfter() throws {
        var ledger = FunnelLedger(policy: LedgerPolicy(defaultSettings: PipelineSettings(bucketSeconds: 60, settleAfterSeconds: 300)))
        try ingest(&ledger, [report("ingest", .received, 3)], now: t0)
        let settleTime = t0 + minute + 5 * minute
        ledger.settle(nowMillis: settleTime - 1)
        #expect(ledger.funnel(pipeline: "orders")?.stages.first?.inFlight == 3)
        #expect(ledger.funnel(pipeline: "orders")?.stages.first?.lost == 0)
        ledger.settle(nowMillis: settleTime)
        #expect(ledger.funnel(pipeline: "orders")?.stages.first?.inFlight == 0)
        #expect(ledger.funnel(pipeline: "orders")?.stages.first?.lost == 3)
    }

    @Test func moreOutThanInIsExcessNeverNegativeLoss() throws {
        var ledger = FunnelLedger()
        try ingest(&ledger, [
            report("ingest", .received, 5), report("ingest", .passed, 8),
            report("process", .received, 9),
        ], now: t0)
        ledger.settle(nowMillis: settledNow)
        let funnel = try #require(ledger.funnel(pipeline: "orders"))
        #expect(funnel.stages.first?.excess == 3)
        #expect(funnel.stages.first?.lost == 0)
        #expect(funnel.transit.first?.excess == 1)
        #expect(funnel.transit.first?.lost == 0)
        #expect(funnel.totals.excess == 3 + 1 + 0)
    }

    @Test func rangeSumsCountsBeforeDifferencing() throws {
        // Stage A counts the events in one bucket, stage B (without event_time) in the next: not loss over the range.
        var ledger = FunnelLedger()
        try ingest(&ledger, [report("a", .received, 10), report("a", .passed, 10), report("b", .received, 10, at: t0 + minute), report("b", .passed, 10, at: t0 + minute)], now: t0 + minute)
        ledger.settle(nowMillis: t0 + 20 * minute)
        let funnel = try #require(ledger.funnel(pipeline: "orders", fromMillis: t0, toMillis: t0 + 2 * minute, includeBuckets: true))
        #expect(funnel.transit.first?.lost == 0)
        #expect(funnel.totals.lost == 0)
        // Per bucket the shift shows up, which is why per-bucket loss needs event_time.
        let buckets = try #require(funnel.buckets)
        #expect(buckets.count == 2)
        #expect(buckets[0].transit.first?.lost == 10)
        #expect(buckets[1].transit.first?.excess == 10)
        #expect(buckets.allSatisfy { $0.settled })
    }

    @Test func rangeSelectsBucketsByStart() throws {
        var ledger = FunnelLedger()
        try ingest(&ledger, [report("a", .received, 1, at: t0), report("a", .received, 2, at: t0 + minute), report("a", .received, 4, at: t0 + 2 * minute)], now: t0 + 2 * minute)
        #expect(ledger.funnel(pipeline: "orders", fromMillis: t0 + minute, toMillis: t0 + 2 * minute)?.stages.first?.received == 2)
        #expect(ledger.funnel(pipeline: "orders", fromMillis: t0 + 1)?.stages.first?.received == 6)
        #expect(ledger.funnel(pipeline: "orders", toMillis: t0 + minute)?.stages.first?.received == 1)
    }

    @Test func reportsForSettledBucketsAreAppliedAndCountedLate() throws {
        var ledger = FunnelLedger()
        try ingest(&ledger, [report("a", .received, 10), report("a", .passed, 7)], now: t0)
        ledger.settle(nowMillis: settledNow)
        #expect(ledger.funnel(pipeline: "orders")?.stages.first?.lost == 3)
        let batch = try ledger.admit([report("a", .passed, 3)], nowMillis: settledNow)
        #expect(batch.lateEvents == [StageKey(pipeline: "orders", stage: "a"): 3])
        ledger.apply(batch, nowMillis: settledNow)
        let stage = try #require(ledger.funnel(pipeline: "orders")?.stages.first)
        #expect(stage.lost == 0)
        #expect(stage.lateEvents == 3)
        #expect(ledger.pipeline(named: "orders")?.settled.first?.passed == 10)
    }

    @Test func outOfOrderReportsLandInTheirEventTimeBucket() throws {
        var ledger = FunnelLedger()
        try ingest(&ledger, [report("a", .passed, 5, at: t0 + minute)], now: t0 + 2 * minute)
        try ingest(&ledger, [report("a", .received, 5, at: t0 + minute), report("a", .received, 2, at: t0)], now: t0 + 2 * minute)
        ledger.settle(nowMillis: settledNow)
        let funnel = try #require(ledger.funnel(pipeline: "orders", includeBuckets: true))
        #expect(funnel.buckets?.map(\.stages.first?.lost) == [2, 0])
        #expect(funnel.stages.first?.lost == 2)
    }

    @Test func reportsWithoutEventTimeUseArrivalTime() throws {
        let ledger = FunnelLedger()
        let batch = try ledger.admit([report("a", .received, 1, at: nil)], nowMillis: t0 + 90_000)
        #expect(batch.counts.keys.first?.bucketStart == (t0 + minute) / 1000)
    }

    @Test func stagesFollowTheConfigThenFirstSeenOrder() throws {
        let policy = LedgerPolicy(pipelines: [PipelineDefinition(name: "orders", stages: ["ingest", "process"])])
        var ledger = FunnelLedger(policy: policy)
        try ingest(&ledger, [report("deliver", .received, 1), report("process", .received, 1), report("audit", .received, 1), report("x", .received, 1, pipeline: "billing")], now: t0)
        #expect(ledger.pipeline(named: "orders")?.stages == ["ingest", "process", "deliver", "audit"])
        #expect(ledger.pipelineNames == ["orders", "billing"])
    }

    @Test func cardinalityLimitsRejectTheWholeRequestAndChangeNothing() throws {
        var ledger = FunnelLedger(policy: LedgerPolicy(maximumPipelines: 2, maximumStagesPerPipeline: 2))
        try ingest(&ledger, [report("a", .received, 1), report("b", .received, 1)], now: t0)
        #expect {
            try ledger.admit([report("a", .received, 1), report("c", .received, 1)], nowMillis: t0)
        } throws: { ($0 as? ReportRejection)?.reason == .tooManyStages && ($0 as? ReportRejection)?.index == 1 }
        try ingest(&ledger, [report("a", .received, 1, pipeline: "p2")], now: t0)
        #expect {
            try ledger.admit([report("a", .received, 1, pipeline: "p3")], nowMillis: t0)
        } throws: { ($0 as? ReportRejection)?.reason == .tooManyPipelines }
        #expect(ledger.pipeline(named: "orders")?.stages == ["a", "b"])
        #expect(ledger.pipelineNames == ["orders", "p2"])
        #expect(ledger.funnel(pipeline: "orders")?.stages.first?.received == 1)
    }

    @Test func aFloodOfDistinctStagesIsCappedAtTheSeriesLimit() throws {
        var ledger = FunnelLedger(policy: LedgerPolicy(maximumPipelines: 100_000, maximumStagesPerPipeline: 100_000, maximumSeries: 1000))
        var refused = 0
        for index in 0..<100_000 {
            do {
                try ingest(&ledger, [report("stage-\(index)", .received, 1, pipeline: "flood-\(index % 7)")], now: t0)
            } catch {
                #expect((error as? ReportRejection)?.reason == .tooManySeries)
                refused += 1
            }
        }
        #expect(ledger.seriesCount == 1000)
        #expect(refused == 99_000)
        try ingest(&ledger, [report("stage-0", .received, 1, pipeline: "flood-0")], now: t0)
        #expect(ledger.funnel(pipeline: "flood-0")?.stages.first?.received == 2)
    }

    @Test func eventTimesOutsideTheWindowAreRefused() throws {
        let ledger = FunnelLedger(policy: LedgerPolicy(retentionSeconds: 3600, maximumFutureSeconds: 600))
        #expect {
            try ledger.admit([report("a", .received, 1, at: t0 + 11 * minute)], nowMillis: t0)
        } throws: { ($0 as? ReportRejection)?.reason == .eventTimeOutOfRange && ($0 as? ReportRejection)?.field == "event_time" }
        #expect {
            try ledger.admit([report("a", .received, 1, at: t0 - 61 * minute)], nowMillis: t0)
        } throws: { ($0 as? ReportRejection)?.reason == .eventTimeOutOfRange }
        #expect(ledger.pipelineNames.isEmpty)
    }

    @Test func pruningDropsOldBucketsButKeepsTotals() throws {
        var ledger = FunnelLedger(policy: LedgerPolicy(retentionSeconds: 3600))
        try ingest(&ledger, [report("a", .received, 10), report("a", .passed, 9)], now: t0)
        try ingest(&ledger, [report("a", .received, 5, at: t0 + 50 * minute)], now: t0 + 50 * minute)
        let pruned = ledger.prune(nowMillis: t0 + 62 * minute)
        #expect(pruned.buckets.count == 1)
        #expect(pruned.counts[StageKey(pipeline: "orders", stage: "a")] == StageCounts(received: 10, passed: 9))
        let pipeline = try #require(ledger.pipeline(named: "orders"))
        #expect(pipeline.buckets.count == 1)
        #expect(pipeline.total.first == StageCounts(received: 15, passed: 9))
        #expect(pipeline.settled.first?.received == 15)
        // Loss within retention no longer includes the dropped bucket.
        #expect(ledger.funnel(pipeline: "orders")?.stages.first?.lost == 5)
    }

    @Test func lossShareSplitsThePipelinesLossAcrossStagesAndHops() throws {
        var ledger = FunnelLedger()
        try ingest(&ledger, [
            report("a", .received, 100), report("a", .passed, 97),
            report("b", .received, 96), report("b", .passed, 90),
        ], now: t0)
        ledger.settle(nowMillis: settledNow)
        let funnel = try #require(ledger.funnel(pipeline: "orders"))
        #expect(funnel.stages.map(\.lossShare) == [0.3, 0.6])
        #expect(funnel.transit.map(\.lossShare) == [0.1])
    }

    @Test func restoringFromStoredCountsGivesTheSameFunnel() throws {
        var original = FunnelLedger()
        try ingest(&original, [report("a", .received, 10), report("a", .passed, 8), report("b", .received, 8, at: t0 + minute)], now: t0 + minute)
        var restored = FunnelLedger()
        for name in original.pipelineNames {
            let pipeline = original.pipeline(named: name)!
            for stage in pipeline.stages { restored.restoreStage(pipeline: name, stage: stage) }
            for (start, bucket) in pipeline.buckets {
                for (index, counts) in bucket.stages.enumerated() {
                    for outcome in Outcome.allCases where counts[outcome] > 0 {
                        restored.restoreCount(counts[outcome], at: BucketKey(pipeline: name, stage: pipeline.stages[index], outcome: outcome, bucketStart: start))
                    }
                }
            }
        }
        original.settle(nowMillis: settledNow)
        restored.settle(nowMillis: settledNow)
        #expect(restored.funnel(pipeline: "orders") == original.funnel(pipeline: "orders"))
    }
}
