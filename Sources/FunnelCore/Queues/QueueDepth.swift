/// A dead-letter queue's last known depth, as `GET /api/v1/dlq` shows it.
public struct QueueDepth: Sendable, Hashable, Codable {
    public var pipeline: String
    public var queue: String
    public var depth: UInt64
    /// When the depth was observed (RFC 3339).
    public var updatedAt: String
    /// Seconds since the depth was observed.
    public var ageSeconds: Double
    /// True when the depth was not refreshed within `stale_after`: it is the last value seen, not a current one.
    public var stale: Bool

    public init(pipeline: String, queue: String, depth: UInt64, updatedAt: String, ageSeconds: Double, stale: Bool) {
        self.pipeline = pipeline
        self.queue = queue
        self.depth = depth
        self.updatedAt = updatedAt
        self.ageSeconds = ageSeconds
        self.stale = stale
    }
}
