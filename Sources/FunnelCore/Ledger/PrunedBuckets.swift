/// Buckets that retention dropped from the ledger, and their counts per stage, for storage to drop likewise.
public struct PrunedBuckets: Sendable, Equatable {
    /// One dropped bucket of one pipeline.
    public struct Bucket: Sendable, Hashable {
        public var pipeline: String
        public var bucketStart: Int64
    }

    public var buckets: [Bucket] = []
    /// The dropped counts per stage; storage keeps them so the `_total` counters survive a restart.
    public var counts: [StageKey: StageCounts] = [:]
    /// The dropped counts of label groups, per stage and group (their buckets are the pipelines' in ``buckets``).
    public var labelCounts: [LabelledStageKey: StageCounts] = [:]
    /// The declared label names of each pipeline ``labelCounts`` names.
    public var labelNames: [String: [String]] = [:]

    public init() {}

    public var isEmpty: Bool { self.buckets.isEmpty }
}
