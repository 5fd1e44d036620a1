/// What a ``FunnelReporter`` has done with the events it was given.
///
/// Every recorded event is in exactly one place: `recordedEvents = deliveredEvents + rejectedEvents +
/// droppedEvents + unconfirmedEvents + pendingEvents`.
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
    /// Events given up on that the server does not have: dropped at the memory bound, never sent before shutdown
    /// or cancellation ended the reporter, or recorded after it stopped.
    public var droppedEvents: UInt64 = 0
    /// The part of ``droppedEvents`` dropped at the memory bound (``ReporterConfiguration/maximumBufferedBytes`` or
    /// ``ReporterConfiguration/maximumBufferedSeries``) while the server did not confirm.
    public var droppedAtMemoryBound: UInt64 = 0
    /// Events given up on after they were sent without an answer coming back (a timeout, a cut connection, the
    /// reporter cancelled mid-request): the server may have counted them. Not counted as dropped.
    public var unconfirmedEvents: UInt64 = 0
    /// Events the server refused (bad event time, cardinality limit); they cannot succeed on retry.
    public var rejectedEvents: UInt64 = 0
    /// ``rejectedEvents`` by the server's `reason`, e.g. `event_time_out_of_range`.
    public var rejectedEventsByReason: [String: UInt64] = [:]
    /// Requests the server answered `401` or `403`: the ingest token was refused.
    public var tokenRefusals: Int = 0
    /// Calls refused before buffering: a name breaking the name rule or not declared, a count below 1, a negative latency.
    public var invalidCalls: Int = 0
    /// Events buffered and not yet confirmed.
    public var pendingEvents: UInt64 = 0
    /// Estimated bytes the reporter holds now for unconfirmed events: what ``ReporterConfiguration/maximumBufferedBytes`` bounds.
    public var bufferedBytes: Int = 0
    /// The most ``bufferedBytes`` held at any time.
    public var peakBufferedBytes: Int = 0

    public init() {}
}
