import Synchronization

/// Lets a repeated event through to the log at most once per interval, with how many times it happened since the
/// line before, so that a flood of refusals leaves a readable log.
final class RateLimitedLog: Sendable {
    private struct State {
        var lastLine: ContinuousClock.Instant?
        var sinceLastLine: UInt64 = 0
    }

    private let state = Mutex(State())
    private let interval: Duration

    init(interval: Duration) {
        self.interval = interval
    }

    /// Notes one event; calls `write` with the number of events since the last line when a line is due.
    func note(_ write: (UInt64) -> Void) {
        let now = ContinuousClock.now
        let due = self.state.withLock { state -> UInt64? in
            state.sinceLastLine &+= 1
            if let last = state.lastLine, now - last < self.interval { return nil }
            defer { state.sinceLastLine = 0 }
            state.lastLine = now
            return state.sinceLastLine
        }
        if let due { write(due) }
    }
}
