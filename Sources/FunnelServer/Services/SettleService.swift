import AsyncAlgorithms
public import Logging
public import ServiceLifecycle

/// Settles buckets and applies retention on a tick, so loss becomes final without waiting for a query.
public struct SettleService: Service {
    let intake: ReportIntake
    let interval: Duration
    let logger: Logger

    public init(intake: ReportIntake, interval: Duration, logger: Logger) {
        self.intake = intake
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        for await _ in AsyncTimerSequence(interval: self.interval, clock: .continuous).cancelOnGracefulShutdown() {
            do {
                try await self.intake.settleAndPrune()
            } catch {
                self.logger.error("settling and pruning failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
