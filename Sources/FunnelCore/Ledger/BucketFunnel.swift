/// The funnel of a single event-time bucket, for finding when loss happened.
public struct BucketFunnel: Sendable, Hashable, Codable {
    /// One stage's counts in the bucket.
    public struct Stage: Sendable, Hashable, Codable {
        public var name: String
        public var received: UInt64
        public var passed: UInt64
        public var failed: UInt64
        public var deadLettered: UInt64
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
    public var stages: [Stage]
    public var transit: [Transit]
}
