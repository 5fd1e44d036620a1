/// The StatsD metric types Funnel understands, as a mapping rule can name them in `match_type`.
public enum StatsDMetricType: String, Sendable, Hashable, CaseIterable {
    /// `|c`: counts events at a stage.
    case counter
    /// `|ms`, `|h` or `|d`: latency samples of a stage.
    case timer
    /// `|g`: the depth of a dead-letter queue.
    case gauge

    /// The type of a StatsD type field (`c`, `ms`, `h`, `d`, `g`), or nil for any other.
    public init?(typeField: some StringProtocol) {
        switch typeField {
        case "c": self = .counter
        case "ms", "h", "d": self = .timer
        case "g": self = .gauge
        default: return nil
        }
    }
}
