/// What one successful poll read from a queue.
public struct DLQReading: Sendable, Hashable {
    /// Messages waiting: the depth Funnel shows and alarms on.
    public var depth: UInt64
    /// SQS only: messages received by a consumer and not yet deleted (in flight).
    public var notVisible: UInt64?
    /// Age of the oldest message in seconds, when the queue reports it.
    public var oldestAgeSeconds: Double?

    public init(depth: UInt64, notVisible: UInt64? = nil, oldestAgeSeconds: Double? = nil) {
        self.depth = depth
        self.notVisible = notVisible
        self.oldestAgeSeconds = oldestAgeSeconds
    }
}
