/// One stage's line in a funnel: what it counted, and what it lost.
public struct StageFunnel: Sendable, Hashable, Codable {
    public var name: String
    public var position: Int
    public var received: UInt64
    public var passed: UInt64
    public var failed: UInt64
    public var deadLettered: UInt64
    /// Events the stage got again after counting them received (retries of an at-least-once queue); never loss.
    public var redelivered: UInt64
    /// Events taken back from the stage's dead-letter queue.
    public var redriven: UInt64
    /// Events fed into the stage again from outside the normal flow.
    public var replayed: UInt64
    /// redelivered / received; nil when nothing was received.
    public var retryRatio: Double?
    /// dead_lettered - redriven: what can still be recovered from the stage's dead-letter queue.
    public var dlqOutstanding: UInt64
    /// Silent loss in settled buckets: received + redriven + replayed - passed - failed - dead_lettered, when positive.
    public var lost: UInt64
    /// The difference in buckets not yet settled: events still on their way, never loss.
    public var inFlight: UInt64
    /// More came out than went in (duplicate or missing reports) in settled buckets.
    public var excess: UInt64
    /// This stage's share (0-1) of the pipeline's total loss, silent and transit.
    public var lossShare: Double
    /// Events reported for buckets that had already settled.
    public var lateEvents: UInt64
    /// The stage's watermark (RFC 3339): the lowest of its live reporters'; absent when it has none.
    public var watermark: String?
    /// How far the watermark is behind the clock, in seconds.
    public var watermarkLagSeconds: Double?
    /// Late events into buckets settled by watermarks: a reporter reported past its own watermark.
    public var watermarkViolations: UInt64 = 0
    /// Counts in settled buckets only.
    public var settled: StageCounts
    /// Latency percentiles in milliseconds over the funnel's latency window (by arrival time).
    public var latencyMs: LatencyQuantiles

    public init(
        name: String, position: Int, received: UInt64, passed: UInt64, failed: UInt64, deadLettered: UInt64,
        lost: UInt64, inFlight: UInt64, excess: UInt64, lossShare: Double, lateEvents: UInt64,
        settled: StageCounts, latencyMs: LatencyQuantiles,
        redelivered: UInt64 = 0, redriven: UInt64 = 0, replayed: UInt64 = 0
    ) {
        self.name = name
        self.position = position
        self.received = received
        self.passed = passed
        self.failed = failed
        self.deadLettered = deadLettered
        self.redelivered = redelivered
        self.redriven = redriven
        self.replayed = replayed
        let counts = StageCounts(received: received, deadLettered: deadLettered, redelivered: redelivered, redriven: redriven)
        self.retryRatio = counts.retryRatio
        self.dlqOutstanding = counts.dlqOutstanding
        self.lost = lost
        self.inFlight = inFlight
        self.excess = excess
        self.lossShare = lossShare
        self.lateEvents = lateEvents
        self.settled = settled
        self.latencyMs = latencyMs
    }
}
