import FunnelCore

/// The shadow-comparison scenario of `docs/comparisons.md` as one `POST /v1/reports` body, for tests that go
/// through HTTP (FunnelCoreTests holds the same table as stage reports).
///
/// Both pipelines ingest 1,000 events a minute for six minutes from `t0`; the baseline (`orders-v1`: ingest,
/// enrich, deliver) delivers 1000, 850, 800, 1000, 950, 1000, the candidate (`orders-v2`: ingest, deliver) 1000,
/// 1000, 999, 1000, 1000, 1000. Backfill 399: 349 in minutes 1-3, 50 in minute 4. With `brokenDuplication` the
/// candidate ingests and delivers 990 in minute 3: 10 events of input mismatch.
public enum ComparisonScenarioReports {
    public static let baselineDelivered: [Int] = [1000, 850, 800, 1000, 950, 1000]
    public static let candidateDelivered: [Int] = [1000, 1000, 999, 1000, 1000, 1000]

    /// The reports body, event times from `t0` (Unix milliseconds, the start of a minute).
    public static func body(t0: Int64, brokenDuplication: Bool = false) -> String {
        var reports: [String] = []
        func add(_ pipeline: String, _ stage: String, _ outcome: String, _ count: Int, _ millis: Int64) {
            reports.append(
                #"{"pipeline":"\#(pipeline)","stage":"\#(stage)","outcome":"\#(outcome)","count":\#(count),"event_time":"\#(EventTimestamp.formatRFC3339(millis: millis))"}"#
            )
        }
        for minute in 0..<6 {
            let at = t0 + Int64(minute) * 60_000
            let delivered = Self.baselineDelivered[minute]
            for (stage, outcome, count) in [
                ("ingest", "received", 1000), ("ingest", "passed", 1000), ("enrich", "received", 1000), ("enrich", "passed", delivered),
                ("deliver", "received", delivered), ("deliver", "passed", delivered),
            ] {
                add("orders-v1", stage, outcome, count, at)
            }
            let input = brokenDuplication && minute == 3 ? 990 : 1000
            let shortfall = 1000 - Self.candidateDelivered[minute]
            for (stage, outcome, count) in [("ingest", "received", input), ("ingest", "passed", input), ("deliver", "received", input), ("deliver", "passed", input - shortfall)] {
                add("orders-v2", stage, outcome, count, at)
            }
        }
        return "[" + reports.joined(separator: ",") + "]"
    }
}
