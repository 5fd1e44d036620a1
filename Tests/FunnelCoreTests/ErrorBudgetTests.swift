import FunnelCore
import Testing

/// 2026-11-26T10:15:00Z, the start of a one-minute bucket.
private let t0: Int64 = 1_795_688_100_000
private let hour: Int64 = 3_600_000

private func policy(window: Int64, retention: Int64 = 72 * 3600) -> LedgerPolicy {
    var policy = LedgerPolicy(pipelines: [
        PipelineDefinition(name: "orders", stages: ["ingest", "deliver"], slo: DeliverySLO(deliveryRatio: 0.999, windowSeconds: window)),
        PipelineDefinition(name: "clicks", stages: ["collect"]),
    ])
    policy.retentionSeconds = retention
    return policy
}

/// Counts `received` in and `delivered` out of `orders` in the bucket at `millis`.
private func ingest(_ ledger: inout FunnelLedger, received: UInt64, delivered: UInt64, at millis: Int64, now: Int64) throws {
    let reports = [
        StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: received, eventTimeMillis: millis),
        StageReport(pipeline: "orders", stage: "ingest", outcome: .passed, count: received, eventTimeMillis: millis),
        StageReport(pipeline: "orders", stage: "deliver", outcome: .received, count: received, eventTimeMillis: millis),
        StageReport(pipeline: "orders", stage: "deliver", outcome: .passed, count: delivered, eventTimeMillis: millis),
    ]
    let batch = try ledger.admit(reports, nowMillis: now)
    ledger.apply(batch, nowMillis: now)
}

@Suite struct ErrorBudgetTests {
    @Test func spentBudgetIsUndeliveredOverAllowedFromSettledCounts() throws {
        var ledger = FunnelLedger(policy: policy(window: 30 * 86_400))
        try ingest(&ledger, received: 10_000, delivered: 9_996, at: t0, now: t0)
        // Not settled yet: nothing counts, the budget is untouched.
        #expect(ledger.errorBudget(pipeline: "orders")?.remainingRatio == 1)
        ledger.settle(nowMillis: t0 + hour)
        let budget = try #require(ledger.errorBudget(pipeline: "orders"))
        #expect(budget.ingested == 10_000)
        #expect(budget.delivered == 9_996)
        // 10 allowed (0.1% of 10,000), 4 spent: 60% left.
        #expect(abs(budget.remainingRatio - 0.6) < 1e-9)
        #expect(budget.coveredSeconds == 72 * 3600, "a 30-day window is longer than retention: the retained range")
        #expect(ledger.funnel(pipeline: "orders")?.errorBudget == budget)
    }

    @Test func overspentBudgetGoesBelowZero() throws {
        var ledger = FunnelLedger(policy: policy(window: 30 * 86_400))
        try ingest(&ledger, received: 1_000, delivered: 997, at: t0, now: t0)
        ledger.settle(nowMillis: t0 + hour)
        // 1 allowed, 3 spent.
        #expect(abs((ledger.errorBudget(pipeline: "orders")?.remainingRatio ?? 0) - -2) < 1e-9)
    }

    @Test func windowShorterThanRetentionCountsOnlyItsBuckets() throws {
        var ledger = FunnelLedger(policy: policy(window: 3600))
        try ingest(&ledger, received: 1_000, delivered: 900, at: t0, now: t0)
        try ingest(&ledger, received: 2_000, delivered: 1_999, at: t0 + 3 * hour, now: t0 + 3 * hour)
        ledger.settle(nowMillis: t0 + 4 * hour)
        let budget = try #require(ledger.errorBudget(pipeline: "orders"))
        #expect(budget.coveredSeconds == 3600)
        #expect(budget.ingested == 2_000, "the bucket three hours back is outside the one-hour window")
        #expect(abs(budget.remainingRatio - 0.5) < 1e-9)
    }

    @Test func pipelinesWithoutAnObjectiveHaveNoBudget() throws {
        let ledger = FunnelLedger(policy: policy(window: 30 * 86_400))
        #expect(ledger.errorBudget(pipeline: "clicks") == nil)
        #expect(ledger.errorBudget(pipeline: "unknown") == nil)
        #expect(ledger.errorBudget(pipeline: "orders")?.ingested == 0)
    }

    @Test func metricsExportTheRemainingRatioOfPipelinesWithAnObjective() throws {
        var ledger = FunnelLedger(policy: policy(window: 30 * 86_400))
        try ingest(&ledger, received: 10_000, delivered: 9_996, at: t0, now: t0)
        ledger.settle(nowMillis: t0 + hour)
        var writer = ExpositionWriter(format: .prometheusText)
        PipelineDelivery(ledger).emit(into: &writer)
        let text = String(decoding: writer.finish(), as: UTF8.self)
        #expect(text.contains("# TYPE funnel_pipeline_error_budget_remaining_ratio gauge\n"))
        #expect(text.contains("funnel_pipeline_error_budget_remaining_ratio{pipeline=\"orders\"} 0.6"))
        #expect(!text.contains("funnel_pipeline_error_budget_remaining_ratio{pipeline=\"clicks\"}"))
    }
}
