public import FunnelCore

/// The part of an alarm's state that survives a restart.
public struct AlarmStateRecord: Sendable, Hashable {
    public var name: String
    public var state: AlarmState
    public var pendingSinceMillis: Int64?
    public var firingSinceMillis: Int64?
    public var lastNotifiedMillis: Int64?
    public var sequence: Int
    public var resolvedAtMillis: Int64?

    init(name: String, state: AlarmState, pendingSinceMillis: Int64?, firingSinceMillis: Int64?, lastNotifiedMillis: Int64?,
         sequence: Int, resolvedAtMillis: Int64?) {
        self.name = name
        self.state = state
        self.pendingSinceMillis = pendingSinceMillis
        self.firingSinceMillis = firingSinceMillis
        self.lastNotifiedMillis = lastNotifiedMillis
        self.sequence = sequence
        self.resolvedAtMillis = resolvedAtMillis
    }

    init(name: String, tracker: AlarmTracker) {
        self.init(
            name: name, state: tracker.state, pendingSinceMillis: tracker.pendingSinceMillis, firingSinceMillis: tracker.firingSinceMillis,
            lastNotifiedMillis: tracker.lastNotifiedMillis, sequence: tracker.sequence, resolvedAtMillis: tracker.resolvedAtMillis
        )
    }
}
