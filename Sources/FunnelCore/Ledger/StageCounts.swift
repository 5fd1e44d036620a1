/// How many events a stage received, passed on, failed and dead-lettered, and saw again: one counter per ``Outcome``.
public struct StageCounts: Sendable, Hashable, Codable {
    public var received: UInt64
    public var passed: UInt64
    public var failed: UInt64
    public var deadLettered: UInt64
    public var redelivered: UInt64
    public var redriven: UInt64
    public var replayed: UInt64

    public init(
        received: UInt64 = 0, passed: UInt64 = 0, failed: UInt64 = 0, deadLettered: UInt64 = 0,
        redelivered: UInt64 = 0, redriven: UInt64 = 0, replayed: UInt64 = 0
    ) {
        self.received = received
        self.passed = passed
        self.failed = failed
        self.deadLettered = deadLettered
        self.redelivered = redelivered
        self.redriven = redriven
        self.replayed = replayed
    }

    public static let zero = StageCounts()

    /// The most events one series (pipeline, stage, outcome) may count over its life: 2^53 - 1.
    ///
    /// Reports that would take a series past it are refused (`count_overflow`) before anything is stored. At this
    /// bound every count is exact as a JSON number in any client and as a Prometheus sample (both float64), and
    /// every sum Funnel derives from counters (a stage's outcomes, a pipeline's stages, settled and unsettled
    /// buckets) stays far inside 64 bits.
    public static let maximum: UInt64 = 1 << 53 - 1

    public subscript(outcome: Outcome) -> UInt64 {
        get {
            switch outcome {
            case .received: self.received
            case .passed: self.passed
            case .failed: self.failed
            case .deadLettered: self.deadLettered
            case .redelivered: self.redelivered
            case .redriven: self.redriven
            case .replayed: self.replayed
            }
        }
        set {
            switch outcome {
            case .received: self.received = newValue
            case .passed: self.passed = newValue
            case .failed: self.failed = newValue
            case .deadLettered: self.deadLettered = newValue
            case .redelivered: self.redelivered = newValue
            case .redriven: self.redriven = newValue
            case .replayed: self.replayed = newValue
            }
        }
    }

    /// Events that went in but did not come out in any known way: inputs - passed - failed - dead_lettered.
    ///
    /// Negative when more came out than went in (duplicate or missing reports). Redeliveries are not inputs: they
    /// are events the stage had already received.
    public var unaccounted: Int64 {
        Int64(clamping: Int128(self.inputs) - Int128(self.passed) - Int128(self.failed) - Int128(self.deadLettered))
    }

    /// What entered the stage: received + redriven + replayed (each at most ``maximum``, so the sum is exact).
    public var inputs: UInt64 {
        self.received.addingSaturated(self.redriven).addingSaturated(self.replayed)
    }

    /// Events dead-lettered and not redriven yet: what can still be recovered from the stage's dead-letter queue.
    public var dlqOutstanding: UInt64 {
        self.deadLettered.subtractingSaturated(self.redriven)
    }

    /// Redelivered over received: how much of the stage's input arrived again; nil when nothing was received.
    public var retryRatio: Double? {
        self.received == 0 ? nil : Double(self.redelivered) / Double(self.received)
    }

    /// Whether every counter is within ``maximum``.
    public var isWithinMaximum: Bool {
        Swift.max(self.received, self.passed, self.failed, self.deadLettered, self.redelivered, self.redriven, self.replayed) <= Self.maximum
    }

    public var isZero: Bool { self == .zero }

    /// Every counter summed: the events reported at the stage under any outcome.
    public var eventSum: UInt64 {
        Outcome.allCases.reduce(0) { $0.addingSaturated(self[$1]) }
    }

    /// The sum, counter by counter, saturating at `UInt64.max` (admission keeps real sums far below it).
    public static func + (lhs: StageCounts, rhs: StageCounts) -> StageCounts {
        StageCounts(
            received: lhs.received.addingSaturated(rhs.received),
            passed: lhs.passed.addingSaturated(rhs.passed),
            failed: lhs.failed.addingSaturated(rhs.failed),
            deadLettered: lhs.deadLettered.addingSaturated(rhs.deadLettered),
            redelivered: lhs.redelivered.addingSaturated(rhs.redelivered),
            redriven: lhs.redriven.addingSaturated(rhs.redriven),
            replayed: lhs.replayed.addingSaturated(rhs.replayed)
        )
    }

    public static func += (lhs: inout StageCounts, rhs: StageCounts) {
        lhs = lhs + rhs
    }

    /// The difference of two counts where `rhs` is known to be part of `lhs` (settled within total, say); a counter
    /// that would go below zero is 0, never a wrapped value.
    public static func - (lhs: StageCounts, rhs: StageCounts) -> StageCounts {
        StageCounts(
            received: lhs.received.subtractingSaturated(rhs.received),
            passed: lhs.passed.subtractingSaturated(rhs.passed),
            failed: lhs.failed.subtractingSaturated(rhs.failed),
            deadLettered: lhs.deadLettered.subtractingSaturated(rhs.deadLettered),
            redelivered: lhs.redelivered.subtractingSaturated(rhs.redelivered),
            redriven: lhs.redriven.subtractingSaturated(rhs.redriven),
            replayed: lhs.replayed.subtractingSaturated(rhs.replayed)
        )
    }
}
