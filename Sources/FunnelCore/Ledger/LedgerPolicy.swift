/// The rules a ``FunnelLedger`` works by: declared pipelines, defaults for discovered ones, retention and limits.
public struct LedgerPolicy: Sendable, Hashable {
    /// Pipelines from the configuration, in order; their stage order is fixed.
    public var pipelines: [PipelineDefinition]
    /// Settings for pipelines that are discovered from reports rather than declared.
    public var defaultSettings: PipelineSettings
    /// How long buckets are kept after they end, in seconds.
    public var retentionSeconds: Int64
    /// How far in the future an event time may lie, in seconds, before it is refused as a clock error.
    public var maximumFutureSeconds: Int64
    /// The most pipelines the ledger tracks; reports that would add more are refused.
    public var maximumPipelines: Int
    /// The most stages one pipeline may have; reports that would add more are refused.
    public var maximumStagesPerPipeline: Int
    /// The most (pipeline, stage) series over all pipelines; reports that would add more are refused.
    public var maximumSeries: Int
    /// The most dead-letter queues tracked; depth reports that would add more are refused.
    public var maximumQueues: Int
    /// Seconds after which an unrefreshed DLQ depth is shown as stale.
    public var queueStaleAfterSeconds: Int64
    /// Upper bounds, in seconds, of the `funnel_*_latency_seconds` histogram buckets.
    public var latencyBucketsSeconds: [Double]
    /// A watermark reporter not heard from for this long stops holding its stage back (`watermarks.reporter_timeout`).
    public var reporterTimeoutSeconds: Int64 = 120
    /// The most watermark reporters tracked over all stages; a new reporter past it is refused (`too_many_reporters`).
    public var maximumReporters: Int = 10_000
    /// The most distinct values one declared label of one pipeline counts (`limits.max_label_values`); new values past
    /// it count under ``LabelSet/otherValue``.
    public var maximumLabelValues: Int = 1000
    /// The most label groups (distinct sets of values) one pipeline counts (`limits.max_label_sets`); a new set past it
    /// counts with every value it carries as ``LabelSet/otherValue``.
    public var maximumLabelSets: Int = 10_000

    public init(
        pipelines: [PipelineDefinition] = [],
        defaultSettings: PipelineSettings = PipelineSettings(),
        retentionSeconds: Int64 = 72 * 3600,
        maximumFutureSeconds: Int64 = 3600,
        maximumPipelines: Int = 1000,
        maximumStagesPerPipeline: Int = 100,
        maximumSeries: Int = 10_000,
        maximumQueues: Int = 1000,
        queueStaleAfterSeconds: Int64 = 300,
        latencyBucketsSeconds: [Double] = LatencyHistogram.defaultBounds
    ) {
        self.pipelines = pipelines
        self.defaultSettings = defaultSettings
        self.retentionSeconds = retentionSeconds
        self.maximumFutureSeconds = maximumFutureSeconds
        self.maximumPipelines = maximumPipelines
        self.maximumStagesPerPipeline = maximumStagesPerPipeline
        self.maximumQueues = maximumQueues
        self.maximumSeries = maximumSeries
        self.queueStaleAfterSeconds = queueStaleAfterSeconds
        self.latencyBucketsSeconds = latencyBucketsSeconds
    }

    /// The settings of `pipeline`: declared, or the defaults.
    public func settings(for pipeline: String) -> PipelineSettings {
        self.pipelines.first(where: { $0.name == pipeline })?.settings ?? self.defaultSettings
    }

    /// The labels `pipeline` declares: none unless it is declared with some.
    public func labels(for pipeline: String) -> [String] {
        self.pipelines.first(where: { $0.name == pipeline })?.labels ?? []
    }
}
