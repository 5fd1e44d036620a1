/// One pipeline of a comparison: its settled totals over the compared buckets, as `/api/v1/funnel` has them, and
/// each stage's.
public struct ComparisonSide: Sendable, Hashable, Codable {
    /// One stage's settled counts over the compared buckets.
    public struct Stage: Sendable, Hashable, Codable {
        public var name: String
        public var received: UInt64
        public var passed: UInt64
        public var failed: UInt64
        public var deadLettered: UInt64
        /// Silent loss at the stage.
        public var lost: UInt64

        public init(name: String, received: UInt64 = 0, passed: UInt64 = 0, failed: UInt64 = 0, deadLettered: UInt64 = 0, lost: UInt64 = 0) {
            self.name = name
            self.received = received
            self.passed = passed
            self.failed = failed
            self.deadLettered = deadLettered
            self.lost = lost
        }
    }

    public var pipeline: String
    /// False when the server has no counts of the pipeline yet (neither declared nor reported).
    public var known: Bool
    /// Received by the first stage.
    public var ingested: UInt64
    /// Passed by the last stage.
    public var delivered: UInt64
    /// delivered / ingested; nil when nothing was ingested.
    public var deliveryRatio: Double?
    /// Silent plus transit loss.
    public var lost: UInt64
    /// Failed at any stage.
    public var failed: UInt64
    /// Redriven plus replayed at every stage.
    public var recovered: UInt64
    /// Dead-lettered and not redriven at every stage.
    public var recoverable: UInt64
    /// ingested - delivered - failed - recoverable, never negative.
    public var netMissing: UInt64
    public var stages: [Stage]

    public init(
        pipeline: String, known: Bool = true, ingested: UInt64 = 0, delivered: UInt64 = 0, deliveryRatio: Double? = nil, lost: UInt64 = 0,
        failed: UInt64 = 0, recovered: UInt64 = 0, recoverable: UInt64 = 0, netMissing: UInt64 = 0, stages: [Stage] = []
    ) {
        self.pipeline = pipeline
        self.known = known
        self.ingested = ingested
        self.delivered = delivered
        self.deliveryRatio = deliveryRatio
        self.lost = lost
        self.failed = failed
        self.recovered = recovered
        self.recoverable = recoverable
        self.netMissing = netMissing
        self.stages = stages
    }
}
