/// When an alarm's measured value is bad, with hysteresis: it triggers past `threshold` and clears only past `clearAt`.
public struct AlarmCondition: Sendable, Hashable {
    /// Which side of the threshold is bad.
    public enum Direction: Sendable, Hashable {
        case above
        case below
    }

    public var direction: Direction
    public var threshold: Double
    /// The value the measurement must cross back over to clear; nil means the threshold itself.
    public var clearAt: Double?

    public init(_ direction: Direction, _ threshold: Double, clearAt: Double? = nil) {
        self.direction = direction
        self.threshold = threshold
        self.clearAt = clearAt
    }

    /// Whether the alarm is active given `value` and whether it was active before; no value is not active.
    public func isActive(_ value: Double?, wasActive: Bool) -> Bool {
        guard let value else { return false }
        switch (self.direction, wasActive) {
        case (.above, false): return value > self.threshold
        case (.above, true): return self.clearAt.map { value >= $0 } ?? (value > self.threshold)
        case (.below, false): return value < self.threshold
        case (.below, true): return self.clearAt.map { value <= $0 } ?? (value < self.threshold)
        }
    }
}
