import Foundation

/// JSON and Pushgateway bodies for the HTTP scenarios, built once before a run.
enum ReportBodies {
    static let outcomes = ["received", "passed", "failed", "dead_lettered"]

    /// The ingest batch: 1,000 reports of one pipeline, 5 stages x 3 outcomes, count 1, event time 30 s ago.
    static func ingestBatch() -> [UInt8] {
        let eventTime = Int(Date().timeIntervalSince1970) - 30
        return Array(("[" + (0..<1000).map { index in
            #"{"pipeline":"bench","stage":"stage-\#(index % 5)","outcome":"\#(["received", "passed", "failed"][index % 3])","count":1,"event_time":\#(eventTime)}"#
        }.joined(separator: ",") + "]").utf8)
    }

    /// One batch per 200 tenants of `tenants` (`tenant-0000`...): each tenant's 5 stages (`s0`...`s4`), count 1, event
    /// time `eventTime`, into `pipeline`; the outcome is `outcome`, or cycles received/passed/failed when nil. With
    /// `labelled` false the same reports leave the label out (the unlabelled twin of the same shape).
    static func tenantBatches(pipeline: String, tenants: Int, labelled: Bool, outcome: String? = nil, eventTime: Int) -> [[UInt8]] {
        stride(from: 0, to: tenants, by: 200).map { first in
            let reports = (first..<min(first + 200, tenants)).flatMap { tenant in
                (0..<5).map { stage in
                    let outcome = outcome ?? ["received", "passed", "failed"][(tenant + stage) % 3]
                    let labels = labelled ? #","labels":{"tenant":"\#(Self.tenant(tenant))"}"# : ""
                    return #"{"pipeline":"\#(pipeline)","stage":"s\#(stage)","outcome":"\#(outcome)","count":1,"event_time":\#(eventTime)\#(labels)}"#
                }
            }
            return Array(("[" + reports.joined(separator: ",") + "]").utf8)
        }
    }

    /// The value of the `tenant` label of tenant number `index`: `tenant-0042`.
    static func tenant(_ index: Int) -> String {
        "tenant-" + String(repeating: "0", count: max(0, 4 - String(index).count)) + String(index)
    }

    /// The (pipeline, stage, outcome) triples numbered `range`: 25 stages x 4 outcomes per pipeline, `p<n>`/`s<n>`.
    static func series(_ range: Range<Int>) -> [(pipeline: String, stage: String, outcome: String)] {
        range.map { index in ("p\(index / 100)", "s\(index / 4 % 25)", Self.outcomes[index % 4]) }
    }

    /// A JSON array of one report (count 1, no event time) per triple.
    static func json(_ series: [(pipeline: String, stage: String, outcome: String)]) -> [UInt8] {
        Array(("[" + series.map { #"{"pipeline":"\#($0.pipeline)","stage":"\#($0.stage)","outcome":"\#($0.outcome)","count":1}"# }.joined(separator: ",") + "]").utf8)
    }

    /// The same triples in Prometheus text format, as pushed to the Pushgateway: one counter sample each.
    static func pushText(_ series: [(pipeline: String, stage: String, outcome: String)]) -> [UInt8] {
        Array(("# TYPE funnel_stage_events_total counter\n" + series.map {
            #"funnel_stage_events_total{pipeline="\#($0.pipeline)",stage="\#($0.stage)",outcome="\#($0.outcome)"} 1"# + "\n"
        }.joined()).utf8)
    }

    /// The same triples as StatsD counter lines `P.S.O:1|c` for collectd.
    static func statsdLines(_ series: [(pipeline: String, stage: String, outcome: String)]) -> StatsDStream {
        StatsDStream(packing: series.map { ("\($0.pipeline).\($0.stage).\($0.outcome):1|c", true) })
    }
}
