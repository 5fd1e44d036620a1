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
        var bytes = typeField.utf8.makeIterator()
        switch (bytes.next(), bytes.next(), bytes.next()) {
        case (UInt8(ascii: "c"), nil, nil): self = .counter
        case (UInt8(ascii: "m"), UInt8(ascii: "s"), nil), (UInt8(ascii: "h"), nil, nil), (UInt8(ascii: "d"), nil, nil): self = .timer
        case (UInt8(ascii: "g"), nil, nil): self = .gauge
        default: return nil
        }
    }

    /// Reads the type field from a line's bytes.
    init?(typeBytes field: ByteSpan) {
        switch field.range.count {
        case 1:
            switch field.first {
            case UInt8(ascii: "c"): self = .counter
            case UInt8(ascii: "h"), UInt8(ascii: "d"): self = .timer
            case UInt8(ascii: "g"): self = .gauge
            default: return nil
            }
        case 2:
            guard field.equals("ms") else { return nil }
            self = .timer
        default:
            return nil
        }
    }
}
