import FunnelCore
import Logging
import Synchronization

/// Logs the first few bad StatsD lines of every minute with their text, and how many more there were.
///
/// Every bad line is counted in `funnel_statsd_lines_total{result}` anyway; this only keeps the log readable
/// when a misconfigured sender floods the listener.
final class BadLineLog: Sendable {
    private struct Window {
        var startMillis: Int64?
        var logged = 0
        var suppressed = 0
    }

    private let window = Mutex(Window())
    private let limit: Int
    private let logger: Logger
    private let clock: @Sendable () -> Int64

    init(limitPerMinute: Int, logger: Logger, clock: @escaping @Sendable () -> Int64) {
        self.limit = limitPerMinute
        self.logger = logger
        self.clock = clock
    }

    /// Notes one bad line; logs it if the minute's allowance is not used up.
    func note(_ rejection: StatsDLineRejection, line: UnsafeRawBufferPointer, transport: String) {
        let now = self.clock()
        let (log, suppressedBefore) = self.window.withLock { window -> (Bool, Int) in
            var suppressed = 0
            let sameMinute = window.startMillis.map { now >= $0 && now - $0 < 60_000 } ?? false
            if !sameMinute {
                suppressed = window.suppressed
                window = Window(startMillis: now)
            }
            guard window.logged < self.limit else {
                window.suppressed += 1
                return (false, suppressed)
            }
            window.logged += 1
            return (true, suppressed)
        }
        if suppressedBefore > 0 {
            self.logger.warning("\(suppressedBefore) more bad StatsD lines in the last minute were counted but not logged")
        }
        if log {
            let shown = String(decoding: UnsafeRawBufferPointer(rebasing: line.prefix(256)), as: UTF8.self)
            let text = line.count > 256 ? shown + "..." : shown
            self.logger.warning(
                "bad StatsD line: \(rejection.message)",
                metadata: ["reason": "\(rejection.reason.rawValue)", "line": "\(text)", "transport": "\(transport)"]
            )
        }
    }
}
