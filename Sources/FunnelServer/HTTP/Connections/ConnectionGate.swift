public import FunnelCore
public import Logging
import Synchronization

/// Counts open HTTP connections against a cap and refuses the ones over it, logging refusals (and header timeouts)
/// at most once per 10 s with the number since the last line.
public final class ConnectionGate: Sendable {
    /// The most connections open at once.
    public let limit: Int
    private let open = Atomic<Int>(0)
    private let refused = Atomic<UInt64>(0)
    private let headerTimeouts = Atomic<UInt64>(0)
    private let refusalLog = RateLimitedLog(interval: .seconds(10))
    private let headerTimeoutLog = RateLimitedLog(interval: .seconds(10))
    private let logger: Logger

    public init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    /// Takes a place for a new connection if fewer than ``limit`` are open; returns whether it did.
    func admit() -> Bool {
        let now = self.open.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        guard now > self.limit else { return true }
        self.open.wrappingSubtract(1, ordering: .acquiringAndReleasing)
        self.refused.wrappingAdd(1, ordering: .relaxed)
        self.logRefusal()
        return false
    }

    /// Gives back the place of a connection that closed.
    func release() {
        self.open.wrappingSubtract(1, ordering: .acquiringAndReleasing)
    }

    /// Counts a connection closed because it did not send its request head in time.
    func countHeaderTimeout() {
        self.headerTimeouts.wrappingAdd(1, ordering: .relaxed)
        self.headerTimeoutLog.note { count in
            self.logger.info(
                "HTTP connections closed without a complete request head within timeouts.header: \(count) since the last line",
                metadata: ["closed": "\(count)"]
            )
        }
    }

    /// The connection counters as `/metrics` shows them.
    public var counters: HTTPConnectionCounters {
        HTTPConnectionCounters(
            open: UInt64(max(0, self.open.load(ordering: .relaxed))), limit: UInt64(self.limit),
            refused: self.refused.load(ordering: .relaxed), headerTimeouts: self.headerTimeouts.load(ordering: .relaxed)
        )
    }

    private func logRefusal() {
        self.refusalLog.note { count in
            self.logger.warning(
                "HTTP connections refused: \(count) since the last line; \(self.limit) were open, the limit (limits.max_connections)",
                metadata: ["refused": "\(count)", "limit": "\(self.limit)"]
            )
        }
    }
}
