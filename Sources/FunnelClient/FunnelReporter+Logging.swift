import FunnelCore
import Logging
import Synchronization

extension FunnelReporter {
    /// When the reporter last logged each kind of line, for rate limits that never hide a count.
    struct LogState {
        var lastLossTold: ContinuousClock.Instant?
        var failingSince: ContinuousClock.Instant?
        var lastFailureLogged: ContinuousClock.Instant?
        var lastInvalidLogged: ContinuousClock.Instant?
        var invalidUnlogged = 0
    }

    /// Losses are logged at most this often (each line with every event lost since the last), and at shutdown.
    static let lossLogInterval: Duration = .seconds(10)
    /// While the server does not confirm, a warning at the first failure and then at most this often.
    static let failureLogInterval: Duration = .seconds(60)
    /// Invalid calls: the first logged, then at most one line this often, with how many were not logged.
    static let invalidCallLogInterval: Duration = .seconds(60)

    /// Logs the events given up on since the last such lines, one line per cause with its count, unless the last
    /// lines are younger than ``lossLogInterval`` (`force` logs them anyway, as at shutdown).
    func tellLosses(force: Bool) {
        let now = ContinuousClock.now
        let due = self.logState.withLock { state in
            force || state.lastLossTold.map { now - $0 >= Self.lossLogInterval } ?? true
        }
        guard due else { return }
        let (tallies, problem) = self.buffer.withLock { buffer in (buffer.untold.take(), buffer.lastProblem) }
        guard !tallies.isEmpty else { return }
        self.logState.withLock { $0.lastLossTold = now }
        let cancelled = self.lifecycle.withLock { $0.cancelled }
        for (cause, tally) in tallies {
            self.logger.error("\(self.lossMessage(cause, tally, problem: problem, cancelled: cancelled))", metadata: ["server": "\(self.endpoint.server)"])
        }
    }

    private func lossMessage(_ cause: UntoldLoss.Cause, _ tally: UntoldLoss.Tally, problem: String?, cancelled: Bool) -> String {
        let unconfirmed = tally.unconfirmedEvents > 0
            ? " (\(tally.unconfirmedEvents) of them were sent without an answer: the server may have counted them)" : ""
        let why = problem.map { ": \($0)" } ?? ""
        switch cause {
        case .memoryBound:
            return "Funnel reporter dropped \(tally.events) events in \(tally.batches) batches at its memory bound "
                + "(maximumBufferedBytes \(self.configuration.maximumBufferedBytes), maximumBufferedSeries \(self.configuration.maximumBufferedSeries)) "
                + "while \(self.endpoint.server) did not confirm\(why)\(unconfirmed)"
        case .refused(let reason):
            return "Funnel server refused \(tally.events) events in \(tally.batches) series for \(reason); they are not counted: \(tally.example ?? reason)"
        case .stopped:
            let because = cancelled
                ? "it was cancelled and sent what it could once" : "\(self.endpoint.server) did not confirm them within the shutdown timeout of \(self.configuration.shutdownTimeout)\(why)"
            return "Funnel reporter stopped with \(tally.droppedEvents) events unsent and \(tally.unconfirmedEvents) sent without an answer (the server may have counted them): \(because)"
        case .afterStop:
            return "Funnel reporter dropped \(tally.events) events recorded after it stopped"
        }
    }

    /// The last lines: what is not yet logged, then what became of every event.
    func logSummary() {
        self.tellLosses(force: true)
        let statistics = self.statistics
        let invalid = self.logState.withLock { state in
            defer { state.invalidUnlogged = 0 }
            return state.invalidUnlogged
        }
        let lost = Self.lost(statistics) > 0
        self.logger.log(
            level: lost ? .warning : .info,
            "Funnel reporter stopped: \(statistics.recordedEvents) events recorded, \(statistics.deliveredEvents) confirmed by the server, \(statistics.rejectedEvents) refused by it, \(statistics.droppedEvents) dropped, \(statistics.unconfirmedEvents) sent without an answer",
            metadata: [
                "server": "\(self.endpoint.server)", "dropped_at_memory_bound": "\(statistics.droppedAtMemoryBound)",
                "invalid_calls": "\(statistics.invalidCalls)", "invalid_calls_not_logged": "\(invalid)", "peak_buffered_bytes": "\(statistics.peakBufferedBytes)",
            ]
        )
    }

    /// Logs a failed attempt: the first of a run of failures, then at most every ``failureLogInterval``.
    func logFailure(_ problem: String, failures: Int, delay: Duration, tokenRefused: Bool) {
        let now = ContinuousClock.now
        let (log, since) = self.logState.withLock { state -> (Bool, ContinuousClock.Instant) in
            if failures == 1 || state.failingSince == nil {
                state.failingSince = now
                state.lastFailureLogged = now
                return (true, now)
            }
            let since = state.failingSince ?? now
            guard now - (state.lastFailureLogged ?? since) >= Self.failureLogInterval else { return (false, since) }
            state.lastFailureLogged = now
            return (true, since)
        }
        let metadata: Logger.Metadata = ["server": "\(self.endpoint.server)", "attempt": "\(failures)", "retry_in": "\(delay)", "error": "\(problem)"]
        let message: Logger.Message
        if tokenRefused {
            message = "Funnel server refused the ingest token: fix the reporter's IngestEndpoint token or the server's ingest_tokens; events wait within the memory bound and are sent once it is accepted"
        } else if failures == 1 {
            message = "Funnel server did not confirm a batch; retrying with the same Idempotency-Key"
        } else {
            message = "Funnel server has not confirmed for \(now - since) (\(failures) attempts); still retrying with the same Idempotency-Key"
        }
        self.logger.log(level: log ? (tokenRefused ? .error : .warning) : .debug, message, metadata: metadata)
    }

    /// Logs that the server confirms again after a run of failures.
    func logRecovery(after failures: Int) {
        let since = self.logState.withLock { state in
            defer { state.failingSince = nil }
            return state.failingSince
        }
        let elapsed = since.map { " over \(ContinuousClock.now - $0)" } ?? ""
        self.logger.info("Funnel server confirms again after \(failures) failed attempts\(elapsed)", metadata: ["server": "\(self.endpoint.server)"])
    }

    /// Counts a call refused before buffering and logs it: the first, then at most one line every
    /// ``invalidCallLogInterval`` saying how many were counted and not logged.
    func refuseCall(_ call: String, problem: String) {
        self.buffer.withLock { $0.statistics.invalidCalls += 1 }
        let now = ContinuousClock.now
        let (log, unlogged) = self.logState.withLock { state -> (Bool, Int) in
            if let last = state.lastInvalidLogged, now - last < Self.invalidCallLogInterval {
                state.invalidUnlogged += 1
                return (false, 0)
            }
            defer {
                state.invalidUnlogged = 0
                state.lastInvalidLogged = now
            }
            return (true, state.invalidUnlogged)
        }
        guard log else { return }
        let more = unlogged > 0 ? " (and \(unlogged) more invalid calls since the last such line, counted in statistics.invalidCalls)" : ""
        self.logger.warning("Funnel reporter ignored \(call): \(problem)\(more)")
    }
}
