/// What an alarm watches, with the parameters of that kind.
public enum AlarmKind: Sendable, Hashable {
    /// A dead-letter queue's depth; `stage` is the stage that dead-letters into it, when the rule names one.
    case dlqDepth(pipeline: String, queue: String, stage: String? = nil)
    /// Dead-lettered events per minute, over `windowSeconds` of arrival time (a stage's, or the whole pipeline's).
    case dlqGrowth(pipeline: String, stage: String?, windowSeconds: Int64)
    /// A stage's settled silent-loss ratio (lost / received) over the last settled `windowSeconds`.
    case silentLoss(pipeline: String, stage: String, windowSeconds: Int64)
    /// The settled transit-loss ratio between two stages (lost / passed by `from`) over the last settled `windowSeconds`.
    case transitLoss(pipeline: String, from: String, to: String?, windowSeconds: Int64)
    /// The settled delivery ratio over the last settled `windowSeconds`.
    case deliveryRatio(pipeline: String, windowSeconds: Int64)
    /// A latency percentile (0-100) in milliseconds of a stage, or end to end when `stage` is nil.
    case latency(pipeline: String, stage: String?, percentile: Double, window: LatencyWindow)
    /// Seconds a stage has received nothing while the stage before it passed events on within `windowSeconds`.
    case stalled(pipeline: String, stage: String, windowSeconds: Int64)
    /// Whether Funnel can read a queue's depth from its source (`dlq_sources:`): 1 when a matching source is down,
    /// 0 when all are up. Narrowed to one queue or one source id when given.
    case dlqSourceDown(pipeline: String, queue: String?, source: String?)
    /// Seconds a stage's watermark is behind the clock (the pipeline's lowest when `stage` is nil): a stage whose
    /// watermark stops moving while the others move.
    case watermarkLag(pipeline: String, stage: String?)
    /// A shadow comparison over the last `windowSeconds` both pipelines have settled: how far the candidate's
    /// delivery ratio is below the baseline's, or how many events of input the two did not share.
    case comparison(Comparison, measure: ComparisonMeasure, windowSeconds: Int64)

    /// The kind's name in the configuration.
    public var name: String {
        switch self {
        case .dlqDepth: "dlq_depth"
        case .dlqGrowth: "dlq_growth"
        case .silentLoss: "silent_loss"
        case .transitLoss: "transit_loss"
        case .deliveryRatio: "delivery_ratio"
        case .latency: "latency"
        case .stalled: "stalled"
        case .dlqSourceDown: "dlq_source_down"
        case .watermarkLag: "watermark_lag"
        case .comparison: "comparison"
        }
    }

    /// The pipeline the alarm is about: a comparison's candidate.
    public var pipeline: String {
        switch self {
        case .dlqDepth(let pipeline, _, _), .dlqGrowth(let pipeline, _, _), .silentLoss(let pipeline, _, _),
            .transitLoss(let pipeline, _, _, _), .deliveryRatio(let pipeline, _), .latency(let pipeline, _, _, _),
            .stalled(let pipeline, _, _), .dlqSourceDown(let pipeline, _, _), .watermarkLag(let pipeline, _):
            pipeline
        case .comparison(let comparison, _, _): comparison.candidate
        }
    }

    /// The settled window a loss or delivery rule measures over, in seconds; nil for other kinds.
    public var windowSeconds: Int64? {
        switch self {
        case .silentLoss(_, _, let window), .transitLoss(_, _, _, let window), .deliveryRatio(_, let window): window
        default: nil
        }
    }

    /// The labels every notification of this kind carries, besides `alertname` and the rule's own labels.
    public var labels: [String: String] {
        var labels = ["pipeline": self.pipeline, "kind": self.name]
        switch self {
        case .dlqDepth(_, let queue, let stage):
            labels["queue"] = queue
            if let stage { labels["stage"] = stage }
        case .dlqGrowth(_, let stage, _), .latency(_, let stage, _, _), .watermarkLag(_, let stage): if let stage { labels["stage"] = stage }
        case .silentLoss(_, let stage, _), .stalled(_, let stage, _): labels["stage"] = stage
        case .transitLoss(_, let from, let to, _):
            labels["from_stage"] = from
            if let to { labels["to_stage"] = to }
        case .deliveryRatio: break
        case .dlqSourceDown(_, let queue, let source):
            if let queue { labels["queue"] = queue }
            if let source { labels["source"] = source }
        case .comparison(let comparison, _, _):
            labels["comparison"] = comparison.name
            labels["baseline"] = comparison.baseline
        }
        return labels
    }

    /// How the measured value reads in a message.
    func describe(_ value: Double) -> String {
        switch self {
        case .dlqDepth: AlarmText.number(value)
        case .dlqGrowth: AlarmText.number(value) + "/min"
        case .silentLoss, .transitLoss, .deliveryRatio: AlarmText.percent(value)
        case .latency: AlarmText.number(value) + " ms"
        case .stalled: DurationText.format(seconds: Int64(rounding: max(0, value), .down) ?? .max) + " without events"
        case .dlqSourceDown: value > 0 ? "down" : "up"
        case .watermarkLag: DurationText.format(seconds: Int64(rounding: max(0, value), .down) ?? .max)
        case .comparison(_, .deliveryGap, _): AlarmText.percent(value)
        case .comparison(_, .inputMismatch, _): AlarmText.number(value) + " events"
        }
    }
}
