/// Where an alarm is in its life: inactive, pending (condition holds, `for` not yet elapsed) or firing.
public enum AlarmState: String, Sendable, Hashable, Codable {
    case inactive
    case pending
    case firing

    /// The value of `funnel_alarm_state{alarm}`.
    public var metricValue: UInt64 {
        switch self {
        case .inactive: 0
        case .pending: 1
        case .firing: 2
        }
    }
}
