/// What a ``FunnelReporter`` has done with the events it was given.
public struct ReporterStatistics: Sendable, Hashable {
    /// Events recorded by `received`, `passed`, `failed`, `deadLettered`, `redelivered`, `redriven` and `replayed`.
    public var recordedEvents: UInt64 = 0
    /// Events the server confirmed (including confirmations of retries it had already counted).
    public var deliveredEvents: UInt64 = 0
    /// Batches the server confirmed.
    public var deliveredBatches: Int = 0
    /// Batches the server had already counted: a retry after a lost answer, not counted twice.
    public var replayedBatches: Int = 0
    /// Requests that got no usable answer and were retried.
    public var failedAttempts: Int = 0
    /// Events dropped unsent: the memory bound was reached while the server was unreachable, or shutdown timed out.
    public var droppedEvents: UInt64 = 0
    /// Events the server refused (bad event time, cardinality limit); they cannot succeed on retry.
    public var rejectedEvents: UInt64 = 0
    /// Calls refused before buffering: a name breaking the name rule, a count below 1, a negative latency.
    public var invalidCalls: Int = 0
    /// Events buffered and not yet confirmed.
    public var pendingEvents: UInt64 = 0

    public init() {}
}
