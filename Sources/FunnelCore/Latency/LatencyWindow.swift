/// The sliding windows latencies are summarised over, by arrival time.
public enum LatencyWindow: String, Sendable, Hashable, CaseIterable, Codable {
    case oneMinute = "1m"
    case fiveMinutes = "5m"
    case oneHour = "1h"

    /// Window length in seconds.
    public var seconds: Int64 {
        switch self {
        case .oneMinute: 60
        case .fiveMinutes: 300
        case .oneHour: 3600
        }
    }

    /// Width of the slices the window is built from: a sample leaves the window between `seconds` and
    /// `seconds + sliceSeconds` after it arrived (exactly at `seconds` when it arrived at a slice start).
    public var sliceSeconds: Int64 {
        switch self {
        case .oneMinute: 1
        case .fiveMinutes: 10
        case .oneHour: 60
        }
    }
}
