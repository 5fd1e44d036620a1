/// A request's reports after admission: aggregated per bucket, ready to persist and then apply.
///
/// Aggregating first means a batch of thousands of reports becomes a handful of counter increments,
/// both in memory and in the database.
public struct ReportBatch: Sendable, Equatable {
    /// Count increments per (pipeline, stage, outcome, bucket).
    public var counts: [BucketKey: UInt64] = [:]
    /// Latency samples per stage, as a sketch and a histogram.
    public var stageLatencies: [StageKey: LatencyObservations] = [:]
    /// End-to-end latency samples per pipeline.
    public var endToEndLatencies: [String: LatencyObservations] = [:]
    /// Events that arrived for buckets already settled, per stage.
    public var lateEvents: [StageKey: UInt64] = [:]
    /// Pipelines the ledger does not know yet, in the order they are to be added.
    public var newPipelines: [String] = []
    /// Stages the ledger does not know yet, in the order they are to be added to their pipelines.
    public var newStages: [StageKey] = []
    /// Queues the ledger does not know yet.
    public var newQueues: [QueueKey] = []
    /// The newest DLQ depth per queue in the request, with its observation time (Unix milliseconds).
    public var queueDepths: [QueueKey: QueueDepths.Observation] = [:]
    /// The newest watermark per reporter in the request, heard at the admission's time.
    public var watermarks: [ReporterKey: ReporterWatermark] = [:]
    /// Watermark reporters the ledger does not know yet.
    public var newReporters: [ReporterKey] = []
    /// Events that arrived for buckets their watermarks had settled before the grace would have, per stage.
    /// Keyed by the reporter the late reports named (`""` for reports that name none).
    public var watermarkViolations: [ReporterKey: UInt64] = [:]
    /// Count increments per label group, for pipelines that declare labels (their pipeline's own are in ``counts``).
    public var labelCounts: [LabelledBucketKey: UInt64] = [:]
    /// Late events per stage and label group.
    public var labelLateEvents: [LabelledStageKey: UInt64] = [:]
    /// Label groups the ledger does not know yet, in the order they are to be added.
    public var newLabelGroups: [LabelGroupKey] = []
    /// Label values the ledger does not count against the guard yet.
    public var newLabelValues: [LabelValueKey] = []
    /// The declared label names of each pipeline the label parts name: what storage writes groups by.
    public var labelNames: [String: [String]] = [:]
    /// Events this batch counts under ``LabelSet/otherValue``, per pipeline and label name: the guard took them.
    public var labelOverflows: [LabelNameKey: UInt64] = [:]
    /// How many reports the request carried.
    public var reportCount: Int = 0
    /// This batch's events per stage and outcome, over all its buckets: what ``PendingAdmissions`` holds against
    /// the counter maximum until the batch is applied or released.
    public var seriesTotals: [StageKey: StageCounts] = [:]

    public init() {}

    /// The events counted in this batch, over all series.
    public var eventCount: UInt64 { self.counts.values.saturatingSum() }
}
