public import FunnelCore
/// The overall state `funnel status` reports, and its exit code, Nagios style.
public enum StatusVerdict: Int32, Sendable, Hashable, CaseIterable {
    /// No alarm pending or firing: exit 0.
    case ok = 0
    /// At least one alarm pending, none firing: exit 1.
    case pending = 1
    /// At least one alarm firing: exit 2.
    case firing = 2
    /// The server could not be reached or did not answer as expected: exit 3.
    case unknown = 3

    /// The verdict for `alarms`: the worst state among them.
    public init(alarms: [AlarmStatus]) {
        switch AlarmList(alarms: alarms).worstState {
        case .inactive: self = .ok
        case .pending: self = .pending
        case .firing: self = .firing
        }
    }

    public var label: String {
        switch self {
        case .ok: "OK"
        case .pending: "PENDING"
        case .firing: "FIRING"
        case .unknown: "UNKNOWN"
        }
    }

    public var exitCode: Int32 { self.rawValue }
}
