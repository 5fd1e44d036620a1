/// One paired bucket of a comparison: what each pipeline took in and delivered, and the backfill it needs.
public struct ComparisonBucket: Sendable, Hashable, Codable {
    /// A pipeline's input and output in the bucket.
    public struct Counts: Sendable, Hashable, Codable {
        public var ingested: UInt64
        public var delivered: UInt64

        public init(ingested: UInt64 = 0, delivered: UInt64 = 0) {
            self.ingested = ingested
            self.delivered = delivered
        }
    }

    public var start: String
    public var end: String
    /// Settled in both pipelines; only settled buckets count in the comparison's figures.
    public var settled: Bool
    public var baseline: Counts
    public var candidate: Counts
    /// max(0, delivered_candidate - delivered_baseline) once settled, 0 before.
    public var backfill: UInt64

    public init(start: String, end: String, settled: Bool, baseline: Counts, candidate: Counts, backfill: UInt64) {
        self.start = start
        self.end = end
        self.settled = settled
        self.baseline = baseline
        self.candidate = candidate
        self.backfill = backfill
    }
}

/// Contiguous settled buckets with backfill, merged: `{"from", "to", "events"}`, one line of `funnel compare --backfill`.
public struct BackfillWindow: Sendable, Hashable, Codable {
    /// Start of the window (RFC 3339).
    public var from: String
    /// End of the window (RFC 3339, exclusive).
    public var to: String
    /// Events to replay from the window.
    public var events: UInt64

    public init(from: String, to: String, events: UInt64) {
        self.from = from
        self.to = to
        self.events = events
    }
}
