/// How many request-log lines of refused requests are written per second: a flood of `401`s or `404`s leaves a
/// readable log and a bounded journal, and the first line after a suppressed stretch says how many were left out.
///
/// Pure: the time is passed in. Requests logged at `debug` (asked for with `--log-level debug`) are not budgeted.
struct RequestLogBudget: Sendable {
    /// The verdict for one line.
    enum Verdict: Sendable, Hashable {
        /// Write it, with the number of lines left out since the last one written.
        case write(suppressedBefore: UInt64)
        /// Leave it out (it is counted).
        case suppress
    }

    /// Lines written per window at most.
    let linesPerWindow: Int
    let window: Duration
    private var windowStart: ContinuousClock.Instant?
    private var written = 0
    private var suppressed: UInt64 = 0

    init(linesPerWindow: Int = 100, window: Duration = .seconds(1)) {
        self.linesPerWindow = linesPerWindow
        self.window = window
    }

    /// Whether a line at `now` is written.
    mutating func admit(now: ContinuousClock.Instant) -> Verdict {
        if let start = self.windowStart, now - start < self.window {
            guard self.written < self.linesPerWindow else {
                self.suppressed &+= 1
                return .suppress
            }
        } else {
            self.windowStart = now
            self.written = 0
        }
        self.written += 1
        defer { self.suppressed = 0 }
        return .write(suppressedBefore: self.suppressed)
    }
}
