import FunnelCore
import Testing

private typealias Scenario = ComparisonScenario

@Suite struct ComparisonTests {
    @Test func theScenarioAddsUpToItsKnownTotals() throws {
        let report = try Scenario.ledger().comparison(Scenario.comparison)
        #expect(report.settledBuckets == 6)
        #expect(report.settledBefore == Scenario.time(7))
        #expect(report.bucketSeconds == 60)
        #expect(report.baseline.ingested == 6000)
        #expect(report.baseline.delivered == 5600)
        #expect(report.baseline.lost == 400)
        #expect(report.baseline.netMissing == 400)
        #expect(report.baseline.deliveryRatio == 5600.0 / 6000)
        #expect(report.baseline.stages.map(\.lost) == [0, 400, 0])
        #expect(report.candidate.ingested == 6000)
        #expect(report.candidate.delivered == 5999)
        #expect(report.candidate.lost == 1)
        #expect(report.candidate.netMissing == 1)
        #expect(report.candidate.deliveryRatio == 5999.0 / 6000)
        #expect(report.candidate.stages.map(\.name) == ["ingest", "deliver"])
        #expect(report.inputMismatch == 0)
        #expect(report.backfillEvents == 399)
    }

    @Test func eachSettledBucketCarriesItsOwnBackfillAndTheUnsettledOneNone() throws {
        let report = try Scenario.ledger().comparison(Scenario.comparison, includeBuckets: true)
        let buckets = try #require(report.buckets)
        #expect(buckets.map(\.start) == (0..<6).map { Scenario.time($0) } + [Scenario.time(10)])
        #expect(buckets.map(\.end) == (1..<7).map { Scenario.time($0) } + [Scenario.time(11)])
        #expect(buckets.map(\.settled) == [true, true, true, true, true, true, false])
        #expect(buckets.map(\.baseline.delivered) == [1000, 850, 800, 1000, 950, 1000, 0])
        #expect(buckets.map(\.candidate.delivered) == [1000, 1000, 999, 1000, 1000, 1000, 0])
        #expect(buckets.map(\.baseline.ingested) == [1000, 1000, 1000, 1000, 1000, 1000, 500])
        #expect(buckets.map(\.backfill) == [0, 150, 199, 0, 50, 0, 0])
    }

    @Test func contiguousBucketsWithBackfillMergeIntoWindows() throws {
        let report = try Scenario.ledger().comparison(Scenario.comparison)
        #expect(report.backfillWindows == [
            BackfillWindow(from: Scenario.time(1), to: Scenario.time(3), events: 349),
            BackfillWindow(from: Scenario.time(4), to: Scenario.time(5), events: 50),
        ])
        #expect(report.buckets == nil)
    }

    @Test func theCandidateThatDeliversMoreIsBetter() throws {
        let verdict = try Scenario.ledger().comparison(Scenario.comparison).verdict
        #expect(verdict.outcome == .candidateBetter)
        #expect(verdict.baselineDeliveryRatio == 5600.0 / 6000)
        #expect(verdict.candidateDeliveryRatio == 5999.0 / 6000)
        #expect(verdict.inputMatched)
        #expect(verdict.summary == "the candidate is better: orders-v2 delivered 99.98%, orders-v1 93.33% over 6 settled buckets of the same input")
    }

    @Test func swappedSidesMakeTheBaselineBetterAndNeedNoBackfillWhereItDeliveredLess() throws {
        let swapped = Comparison(name: "rollback", baseline: "orders-v2", candidate: "orders-v1")
        let report = try Scenario.ledger().comparison(swapped)
        #expect(report.verdict.outcome == .baselineBetter)
        #expect(report.backfillEvents == 0)
        #expect(report.backfillWindows.isEmpty)
    }

    @Test func aRangeCountsOnlyItsBuckets() throws {
        let ledger = try Scenario.ledger()
        let report = ledger.comparison(Scenario.comparison, fromMillis: Scenario.t0 + Scenario.minute, toMillis: Scenario.t0 + 3 * Scenario.minute)
        #expect(report.settledBuckets == 2)
        #expect(report.baseline.ingested == 2000)
        #expect(report.baseline.delivered == 1650)
        #expect(report.candidate.delivered == 1999)
        #expect(report.backfillEvents == 349)
        #expect(report.from == Scenario.time(1))
        #expect(report.to == Scenario.time(3))
    }

    @Test func aBrokenDuplicationShowsAsInputMismatchAndInTheVerdict() throws {
        let report = try Scenario.ledger(brokenDuplication: true).comparison(Scenario.comparison, includeBuckets: true)
        #expect(report.inputMismatch == 10)
        #expect(report.candidate.ingested == 5990)
        #expect(report.candidate.delivered == 5989)
        #expect(report.backfillEvents == 399, "minute 3: the candidate delivered 990 of 990, 10 fewer than the baseline, no backfill")
        #expect(report.buckets?.map(\.backfill) == [0, 150, 199, 0, 50, 0, 0])
        #expect(!report.verdict.inputMatched)
        #expect(report.verdict.outcome == .candidateBetter)
        #expect(report.verdict.summary.hasSuffix("of inputs that differ by 10 events; check the duplication before trusting the backfill"))
    }

    @Test func nothingSettledIsInsufficientData() throws {
        var ledger = FunnelLedger(policy: Scenario.policy)
        try ledger.ingest(Scenario.reports("orders-v1", at: Scenario.t0, [("ingest", .received, 10)]), nowMillis: Scenario.t0)
        let report = ledger.comparison(Scenario.comparison)
        #expect(report.settledBuckets == 0)
        #expect(report.settledBefore != nil)
        #expect(report.verdict.outcome == .insufficientData)
        #expect(report.verdict.summary == "nothing settled yet in orders-v1 and orders-v2")
        #expect(report.baseline.ingested == 0)
    }

    @Test func aPipelineNotSeenYetIsUnknownAndInsufficientData() throws {
        let ledger = try Scenario.ledger()
        let report = ledger.comparison(Comparison(name: "next", baseline: "orders-v1", candidate: "orders-v3"))
        #expect(!report.candidate.known)
        #expect(report.settledBefore == nil)
        #expect(report.settledBuckets == 0)
        #expect(report.baseline.ingested == 0, "nothing counts until both pipelines have settled buckets")
        #expect(report.verdict.outcome == .insufficientData)
    }

    @Test func pipelinesOfDifferentBucketWidthsPairOnTheCommonMultiple() throws {
        let policy = LedgerPolicy(pipelines: [
            PipelineDefinition(name: "orders-v1", stages: ["ingest", "enrich", "deliver"]),
            PipelineDefinition(name: "orders-v2", stages: ["ingest", "deliver"], settings: PipelineSettings(bucketSeconds: 120)),
        ])
        let report = try Scenario.ledger(policy: policy).comparison(Scenario.comparison, includeBuckets: true)
        #expect(report.bucketSeconds == 120)
        let settled = try #require(report.buckets).filter(\.settled)
        // t0 is the middle of a two-minute bucket: minute 0 pairs with the minute before it, then minutes 1-2, 3-4, 5-6.
        #expect(settled.map(\.start) == [Scenario.time(-1), Scenario.time(1), Scenario.time(3), Scenario.time(5)])
        #expect(settled.map(\.baseline.delivered) == [1000, 1650, 1950, 1000])
        #expect(settled.map(\.candidate.delivered) == [1000, 1999, 2000, 1000])
        #expect(report.backfillEvents == 399)
        #expect(report.backfillWindows == [BackfillWindow(from: Scenario.time(1), to: Scenario.time(5), events: 399)])
    }

    @Test func equalDeliveryIsEqual() throws {
        let same = Comparison(name: "same", baseline: "orders-v1", candidate: "orders-v1")
        let report = try Scenario.ledger().comparison(same)
        #expect(report.verdict.outcome == .equal)
        #expect(report.backfillEvents == 0)
    }

    @Test func theFamiliesShowEachComparisonsRatiosBackfillAndMismatch() throws {
        let families = ComparisonFamilies(try Scenario.ledger(brokenDuplication: true), comparisons: [Scenario.comparison])
        let text = String(decoding: ExpositionWriter.renderSync(families), as: UTF8.self)
        #expect(text == """
            # HELP funnel_comparison_delivery_ratio Delivered over ingested of each side of a comparison, over the buckets both pipelines have settled, within retention.
            # TYPE funnel_comparison_delivery_ratio gauge
            funnel_comparison_delivery_ratio{comparison="orders-migration",side="baseline"} \(ExpositionWriter.format(5600.0 / 6000))
            funnel_comparison_delivery_ratio{comparison="orders-migration",side="candidate"} \(ExpositionWriter.format(5989.0 / 5990))
            # HELP funnel_comparison_backfill_events Events the candidate delivered and the baseline did not, summed per settled bucket: what a backfill of the baseline replays.
            # TYPE funnel_comparison_backfill_events gauge
            funnel_comparison_backfill_events{comparison="orders-migration"} 399
            # HELP funnel_comparison_input_mismatch_events Sum per settled bucket of the difference between what the two pipelines ingested: 0 when they saw the same input.
            # TYPE funnel_comparison_input_mismatch_events gauge
            funnel_comparison_input_mismatch_events{comparison="orders-migration"} 10

            """)
    }

    @Test func noComparisonWritesNoFamily() throws {
        let families = ComparisonFamilies(try Scenario.ledger(), comparisons: [])
        #expect(ExpositionWriter.renderSync(families).isEmpty)
    }
}

extension ExpositionWriter {
    /// The Prometheus text of one synchronous source.
    static func renderSync(_ source: ComparisonFamilies) -> [UInt8] {
        var writer = ExpositionWriter(format: .prometheusText)
        source.emit(into: &writer)
        return writer.finish()
    }
}
