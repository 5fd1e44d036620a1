/// The body of `GET /api/v1/comparisons/NAME`: both pipelines over the same settled buckets, what differs, and
/// the verdict.
///
/// Every figure covers the buckets both pipelines have settled (``settledBefore``) within `[from, to)`; a bucket one
/// of them has not settled yet counts for neither.
public struct ComparisonReport: Sendable, Hashable, Codable {
    public var name: String
    /// Start of the event-time range (RFC 3339), or nil for everything retained.
    public var from: String?
    /// End of the event-time range (RFC 3339, exclusive), or nil for everything retained.
    public var to: String?
    /// The buckets the comparison pairs, in seconds: the least common multiple of both pipelines' buckets.
    public var bucketSeconds: Int64
    /// Buckets starting before this instant are settled in both pipelines (RFC 3339); nil while either has none.
    public var settledBefore: String?
    /// Paired buckets settled in both pipelines with events in either.
    public var settledBuckets: Int
    public var baseline: ComparisonSide
    public var candidate: ComparisonSide
    /// Sum over settled buckets of `|ingested_baseline - ingested_candidate|`: 0 when both saw the same input.
    public var inputMismatch: UInt64
    /// Sum over settled buckets of `max(0, delivered_candidate - delivered_baseline)`: what a backfill of the
    /// baseline's store would replay.
    public var backfillEvents: UInt64
    public var verdict: ComparisonVerdict
    /// Contiguous settled buckets with backfill, merged: the windows a replay tool takes.
    public var backfillWindows: [BackfillWindow]
    /// Per paired bucket, oldest first, when asked for (`detail=buckets`).
    public var buckets: [ComparisonBucket]?

    public init(
        name: String, from: String? = nil, to: String? = nil, bucketSeconds: Int64, settledBefore: String? = nil, settledBuckets: Int = 0,
        baseline: ComparisonSide, candidate: ComparisonSide, inputMismatch: UInt64 = 0, backfillEvents: UInt64 = 0,
        verdict: ComparisonVerdict, backfillWindows: [BackfillWindow] = [], buckets: [ComparisonBucket]? = nil
    ) {
        self.name = name
        self.from = from
        self.to = to
        self.bucketSeconds = bucketSeconds
        self.settledBefore = settledBefore
        self.settledBuckets = settledBuckets
        self.baseline = baseline
        self.candidate = candidate
        self.inputMismatch = inputMismatch
        self.backfillEvents = backfillEvents
        self.verdict = verdict
        self.backfillWindows = backfillWindows
        self.buckets = buckets
    }
}
