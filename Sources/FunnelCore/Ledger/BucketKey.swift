/// Identifies one counter: a (pipeline, stage, outcome) series in one event-time bucket.
public struct BucketKey: Sendable, Hashable {
    public var pipeline: String
    public var stage: String
    public var outcome: Outcome
    /// Bucket start, Unix seconds.
    public var bucketStart: Int64

    public init(pipeline: String, stage: String, outcome: Outcome, bucketStart: Int64) {
        self.pipeline = pipeline
        self.stage = stage
        self.outcome = outcome
        self.bucketStart = bucketStart
    }
}
