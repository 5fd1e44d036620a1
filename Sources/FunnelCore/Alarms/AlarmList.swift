/// The body of `GET /api/v1/alarms`: `{"alarms": [...]}`.
public struct AlarmList: Sendable, Hashable, Codable {
    public var alarms: [AlarmStatus]

    public init(alarms: [AlarmStatus]) {
        self.alarms = alarms
    }

    /// The alarms that are firing or pending, firing first, then by name.
    public var active: [AlarmStatus] {
        self.alarms.filter { $0.state != .inactive }.sorted {
            ($0.state.metricValue, $1.name) > ($1.state.metricValue, $0.name)
        }
    }

    /// The worst state among `alarms`; `.inactive` for none.
    public var worstState: AlarmState {
        self.alarms.max { $0.state.metricValue < $1.state.metricValue }?.state ?? .inactive
    }
}
