/// One alarm's evolving state: where it is in its life, since when, and what it last measured and sent.
public struct AlarmTracker: Sendable, Hashable {
    public var state: AlarmState = .inactive
    /// When the current pending period began, Unix milliseconds.
    public var pendingSinceMillis: Int64?
    /// When the current firing period began, Unix milliseconds.
    public var firingSinceMillis: Int64?
    /// When the last firing notification was queued, Unix milliseconds.
    public var lastNotifiedMillis: Int64?
    /// Repeats sent in the current firing period.
    public var sequence: Int = 0
    /// When the alarm last resolved, Unix milliseconds.
    public var resolvedAtMillis: Int64?
    public var lastValue: Double?
    public var history: AlarmHistory
    /// The value of its rule's `by` label this tracker follows, for the copies of `by` rules.
    public var group: AlarmGroup?

    public init(keepSeconds: Int64 = 3600) {
        self.history = AlarmHistory(keepSeconds: keepSeconds)
    }
}
