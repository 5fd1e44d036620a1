/// One stage's line in a funnel: what it counted, and what it lost.
public struct StageFunnel: Sendable, Hashable, Codable {
    public var name: String
    public var position: Int
    public var received: UInt64
    public var passed: UInt64
    public var failed: UInt64
    public var deadLettered: UInt64
    /// Silent loss in settled buckets: received - passed - failed - dead_lettered, when positive.
    public var lost: UInt64
    /// The difference in buckets not yet settled: events still on their way, never loss.
    public var inFlight: UInt64
    /// More came out than went in (duplicate or missing reports) in settled buckets.
    public var excess: UInt64
    /// This stage's share (0-1) of the pipeline's total loss, silent and transit.
    public var lossShare: Double
    /// Events reported for buckets that had already settled.
    public var lateEvents: UInt64
    /// Counts in settled buckets only.
    public var settled: StageCounts
    /// Latency percentiles in milliseconds over the funnel's latency window (by arrival time).
    public var latencyMs: LatencyQuantiles

    public init(
        name: String, position: Int, received: UInt64, passed: UInt64, failed: UInt64, deadLettered: UInt64,
        lost: UInt64, inFlight: UInt64, excess: UInt64, lossShare: Double, lateEvents: UInt64,
        settled: StageCounts, latencyMs: LatencyQuantiles
    ) {
        self.name = name
        self.position = position
        self.received = received
        self.passed = passed
        self.failed = failed
        self.deadLettered = deadLettered
        self.lost = lost
        self.inFlight = inFlight
        self.excess = excess
        self.lossShare = lossShare
        self.lateEvents = lateEvents
        self.settled = settled
        self.latencyMs = latencyMs
    }
}
