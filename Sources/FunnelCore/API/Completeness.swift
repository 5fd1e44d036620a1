/// `GET /api/v1/completeness`: whether a pipeline's event-time range is settled and delivered well enough to
/// publish, for batch jobs that must not publish a partial hour.
public struct Completeness: Sendable, Hashable, Codable {
    public var pipeline: String
    /// Start of the range (RFC 3339, inclusive): buckets starting at or after it count.
    public var from: String
    /// End of the range (RFC 3339, exclusive): buckets starting before it count.
    public var to: String
    /// Every bucket of the range is settled and `ratio >= threshold` (a range that ingested nothing is complete
    /// once settled).
    public var complete: Bool
    /// Every bucket of the range is settled.
    public var settled: Bool
    /// Buckets of the range not yet settled, those that have no counts yet included.
    public var unsettledBuckets: Int64
    /// Received by the first stage, in the range's settled buckets.
    public var ingested: UInt64
    /// Passed by the last stage, in the range's settled buckets.
    public var delivered: UInt64
    /// Dead-lettered and not redriven, in the range's settled buckets.
    public var recoverable: UInt64
    /// ingested - delivered - failed - recoverable when positive, in the range's settled buckets.
    public var netMissing: UInt64
    /// delivered / ingested over the range's settled buckets; absent when nothing was ingested.
    public var ratio: Double?
    /// The ratio at or above which the range is complete.
    public var threshold: Double

    public init(
        pipeline: String, from: String, to: String, complete: Bool, settled: Bool, unsettledBuckets: Int64, ingested: UInt64,
        delivered: UInt64, recoverable: UInt64, netMissing: UInt64, ratio: Double?, threshold: Double
    ) {
        self.pipeline = pipeline
        self.from = from
        self.to = to
        self.complete = complete
        self.settled = settled
        self.unsettledBuckets = unsettledBuckets
        self.ingested = ingested
        self.delivered = delivered
        self.recoverable = recoverable
        self.netMissing = netMissing
        self.ratio = ratio
        self.threshold = threshold
    }

    /// The threshold when none is asked for.
    public static let defaultThreshold = 0.999
}
