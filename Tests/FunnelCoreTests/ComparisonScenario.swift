import FunnelCore

/// The shadow-comparison scenario with known numbers: both pipelines ingest 1,000 events a minute for six
/// minutes; the baseline (`orders-v1`: ingest, enrich, deliver) loses 150, 200 and 50 in minutes 1, 2 and 4, the
/// candidate (`orders-v2`: ingest, deliver) loses 1 in minute 2.
///
/// | minute | baseline delivered | candidate delivered | backfill |
/// |---|---|---|---|
/// | 0 | 1000 | 1000 | 0 |
/// | 1 | 850 | 1000 | 150 |
/// | 2 | 800 | 999 | 199 |
/// | 3 | 1000 | 1000 | 0 |
/// | 4 | 950 | 1000 | 50 |
/// | 5 | 1000 | 1000 | 0 |
///
/// Backfill 399 in two windows, minutes 1-3 (349) and 4-5 (50). With `brokenDuplication` the candidate sees only
/// 990 events in minute 3 (and delivers them): 10 events of input mismatch, no backfill there.
enum ComparisonScenario {
    /// 2026-11-26T10:15:00Z, the start of minute 0.
    static let t0: Int64 = 1_795_688_100_000
    static let minute: Int64 = 60_000
    /// Every scenario bucket settled (minute 5 ends at t0 + 6m, settles 5 minutes later), minute 10 not.
    static let now = t0 + 12 * minute

    static let comparison = Comparison(name: "orders-migration", baseline: "orders-v1", candidate: "orders-v2")
    static let baselineLoss: [UInt64] = [0, 150, 200, 0, 50, 0]
    static let candidateLoss: [UInt64] = [0, 0, 1, 0, 0, 0]

    static let policy = LedgerPolicy(pipelines: [
        PipelineDefinition(name: "orders-v1", stages: ["ingest", "enrich", "deliver"]),
        PipelineDefinition(name: "orders-v2", stages: ["ingest", "deliver"]),
    ])

    /// The scenario's ledger settled to ``now``, with 500 events in each pipeline's unsettled minute 10.
    static func ledger(brokenDuplication: Bool = false, policy: LedgerPolicy = Self.policy) throws -> FunnelLedger {
        var ledger = FunnelLedger(policy: policy)
        var reports: [StageReport] = []
        for bucket in 0..<6 {
            let at = t0 + Int64(bucket) * minute
            let lost = Self.baselineLoss[bucket]
            reports += Self.reports("orders-v1", at: at, [
                ("ingest", .received, 1000), ("ingest", .passed, 1000), ("enrich", .received, 1000), ("enrich", .passed, 1000 - lost),
                ("deliver", .received, 1000 - lost), ("deliver", .passed, 1000 - lost),
            ])
            let input: UInt64 = brokenDuplication && bucket == 3 ? 990 : 1000
            reports += Self.reports("orders-v2", at: at, [
                ("ingest", .received, input), ("ingest", .passed, input), ("deliver", .received, input), ("deliver", .passed, input - Self.candidateLoss[bucket]),
            ])
        }
        for pipeline in ["orders-v1", "orders-v2"] {
            reports += Self.reports(pipeline, at: t0 + 10 * minute, [("ingest", .received, 500)])
        }
        try ledger.ingest(reports, nowMillis: t0 + 10 * minute)
        ledger.settle(nowMillis: Self.now)
        return ledger
    }

    static func reports(_ pipeline: String, at millis: Int64, _ counts: [(String, Outcome, UInt64)]) -> [StageReport] {
        counts.filter { $0.2 > 0 }.map { StageReport(pipeline: pipeline, stage: $0.0, outcome: $0.1, count: $0.2, eventTimeMillis: millis) }
    }

    /// The RFC 3339 time of minute `index`.
    static func time(_ index: Int64) -> String { EventTimestamp.formatRFC3339(millis: t0 + index * minute) }
}
