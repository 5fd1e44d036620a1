/// One stage's statement that `count` events had `outcome` at `stage` of `pipeline`.
///
/// Times are Unix milliseconds. A report without `eventTimeMillis` is bucketed by its arrival time.
public struct StageReport: Sendable, Hashable {
    public var pipeline: String
    public var stage: String
    public var outcome: Outcome
    public var count: UInt64
    /// When the events first entered the pipeline, carried along by every stage.
    public var eventTimeMillis: Int64?
    /// One duration, in milliseconds, that applies to each of the `count` events.
    public var latencyMillis: Double?
    /// Individual latency samples in milliseconds, at most `count` of them.
    public var latencySamplesMillis: [Double]
    /// Time from entering the pipeline to this outcome, in milliseconds, for each of the `count` events.
    ///
    /// Sent by the last stage on `passed` (delivered) reports, it is the pipeline's end-to-end latency.
    public var endToEndMillis: Double?
    /// Individual end-to-end samples in milliseconds, at most `count` of them.
    public var endToEndSamplesMillis: [Double]
    /// The instance of the stage that sends the report, when it names one: a report for a bucket its watermarks
    /// settled is then counted against that reporter.
    public var reporter: String?
    /// Values of labels the pipeline declares (`tenant`, `version`); a declared label left out counts under `""`.
    public var labels: [String: String]

    public init(
        pipeline: String,
        stage: String,
        outcome: Outcome,
        count: UInt64 = 1,
        eventTimeMillis: Int64? = nil,
        latencyMillis: Double? = nil,
        latencySamplesMillis: [Double] = [],
        endToEndMillis: Double? = nil,
        endToEndSamplesMillis: [Double] = [],
        reporter: String? = nil,
        labels: [String: String] = [:]
    ) {
        self.pipeline = pipeline
        self.stage = stage
        self.outcome = outcome
        self.count = count
        self.eventTimeMillis = eventTimeMillis
        self.latencyMillis = latencyMillis
        self.latencySamplesMillis = latencySamplesMillis
        self.endToEndMillis = endToEndMillis
        self.endToEndSamplesMillis = endToEndSamplesMillis
        self.reporter = reporter
        self.labels = labels
    }
}
