/// How many events a stage received, passed on, failed and dead-lettered: one counter per ``Outcome``.
public struct StageCounts: Sendable, Hashable, Codable {
    public var received: UInt64
    public var passed: UInt64
    public var failed: UInt64
    public var deadLettered: UInt64

    public init(received: UInt64 = 0, passed: UInt64 = 0, failed: UInt64 = 0, deadLettered: UInt64 = 0) {
        self.received = received
        self.passed = passed
        self.failed = failed
        self.deadLettered = deadLettered
    }

    public static let zero = StageCounts()

    public subscript(outcome: Outcome) -> UInt64 {
        get {
            switch outcome {
            case .received: self.received
            case .passed: self.passed
            case .failed: self.failed
            case .deadLettered: self.deadLettered
            }
        }
        set {
            switch outcome {
            case .received: self.received = newValue
            case .passed: self.passed = newValue
            case .failed: self.failed = newValue
            case .deadLettered: self.deadLettered = newValue
            }
        }
    }

    /// Events that went in but did not come out in any known way: received - passed - failed - dead_lettered.
    ///
    /// Negative when more came out than went in (duplicate or missing reports).
    public var unaccounted: Int64 {
        Int64(clamping: self.received) - Int64(clamping: self.passed) - Int64(clamping: self.failed)
            - Int64(clamping: self.deadLettered)
    }

    public var isZero: Bool { self == .zero }

    public static func + (lhs: StageCounts, rhs: StageCounts) -> StageCounts {
        StageCounts(
            received: lhs.received &+ rhs.received,
            passed: lhs.passed &+ rhs.passed,
            failed: lhs.failed &+ rhs.failed,
            deadLettered: lhs.deadLettered &+ rhs.deadLettered
        )
    }

    public static func += (lhs: inout StageCounts, rhs: StageCounts) {
        lhs = lhs + rhs
    }

    /// The difference of two counts where `rhs` is known to be part of `lhs` (settled within total, say).
    public static func - (lhs: StageCounts, rhs: StageCounts) -> StageCounts {
        StageCounts(
            received: lhs.received &- rhs.received,
            passed: lhs.passed &- rhs.passed,
            failed: lhs.failed &- rhs.failed,
            deadLettered: lhs.deadLettered &- rhs.deadLettered
        )
    }
}
