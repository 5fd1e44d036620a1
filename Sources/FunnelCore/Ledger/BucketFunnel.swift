/// The funnel of a single event-time bucket, for finding when loss happened.
public struct BucketFunnel: Sendable, Hashable, Codable {
    /// One stage's counts in the bucket.
    public struct Stage: Sendable, Hashable, Codable {
        public var name: String
        public var received: UInt64
        public var passed: UInt64
        public var failed: UInt64
        public var deadLettered: UInt64
        public var redelivered: UInt64
        public var redriven: UInt64
        public var replayed: UInt64
        /// dead_lettered - redriven in this bucket.
        public var dlqOutstanding: UInt64
        public var lost: UInt64
        public var inFlight: UInt64
        public var excess: UInt64
    }

    /// One hop's difference in the bucket.
    public struct Transit: Sendable, Hashable, Codable {
        public var from: String
        public var to: String
        public var lost: UInt64
        public var inFlight: UInt64
        public var excess: UInt64
    }

    public var start: String
    public var end: String
    public var settled: Bool
    /// What settled the bucket: `watermark` (every stage's reporters had passed its end) or `grace` (settle_after
    /// had passed); absent while unsettled.
    public var settledBy: String?
    /// Received by the first stage in this bucket.
    public var ingested: UInt64
    /// Passed by the last stage in this bucket.
    public var delivered: UInt64
    /// Redriven plus replayed at every stage in this bucket.
    public var recovered: UInt64
    /// Dead-lettered and not redriven at every stage in this bucket.
    public var recoverable: UInt64
    /// ingested - delivered - failed - recoverable when positive, once the bucket has settled (0 before).
    public var netMissing: UInt64
    public var stages: [Stage]
    public var transit: [Transit]
}
