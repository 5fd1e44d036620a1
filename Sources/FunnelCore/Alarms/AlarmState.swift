/// Where an alarm is in its life: quiet, breaching but not yet for long enough, or firing.
public enum AlarmState: String, Sendable, Hashable, Codable, CaseIterable {
    case inactive
    case pending
    case firing

    /// How serious the state is: inactive 0, pending 1, firing 2; sorts the worst first.
    public var severity: Int {
        switch self {
        case .inactive: 0
        case .pending: 1
        case .firing: 2
        }
    }
}
