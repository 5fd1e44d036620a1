/// A reporter's promise: it has reported every event of `stage` whose event time is before `watermarkMillis`.
///
/// `reporter` is one instance of the stage (a worker, a pod); a stage may have many, and its watermark is the
/// lowest of its live reporters'.
public struct WatermarkReport: Sendable, Hashable {
    public var pipeline: String
    public var stage: String
    public var reporter: String
    /// Unix milliseconds.
    public var watermarkMillis: Int64

    public init(pipeline: String, stage: String, reporter: String, watermarkMillis: Int64) {
        self.pipeline = pipeline
        self.stage = stage
        self.reporter = reporter
        self.watermarkMillis = watermarkMillis
    }
}
