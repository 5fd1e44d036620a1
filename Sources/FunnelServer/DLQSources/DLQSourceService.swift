import AsyncAlgorithms
public import Foundation
public import FunnelCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Polls every configured DLQ source on its own timer and feeds each depth into the same intake as a reported one.
///
/// Each source has a task of its own; each poll runs under a hard ``TimeLimit``, so a source that hangs or fails
/// never delays another source, ingest or the HTTP API. A depth goes through ``ReportIntake/ingest(_:policy:claim:)``:
/// persisted, shown in `/api/v1/dlq` and `/metrics`, and alarms are evaluated at once. Health (up, last error,
/// polls by result) is kept per source for `/api/v1/dlq/sources`, `/metrics` and `dlq_source_down` alarms.
public final class DLQSourceService: Service, Sendable {
    let sources: [DLQSourceConfiguration]
    let probes: [String: any DLQProbe]
    let intake: ReportIntake
    let alarmWakeup: Wakeup?
    let logger: Logger
    private let health: Mutex<[String: DLQSourceHealth]>

    /// A service for `sources`, one probe per source made for its kind; SQS probes read credentials from `environment`.
    ///
    /// `probes` replaces the probe of a source by name, for a source Funnel does not know how to reach.
    public init(
        sources: [DLQSourceConfiguration], intake: ReportIntake, alarmWakeup: Wakeup?, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment, probes: [String: any DLQProbe] = [:]
    ) {
        self.sources = sources
        var made: [String: any DLQProbe] = [:]
        for source in sources {
            if let probe = probes[source.name] {
                made[source.name] = probe
                continue
            }
            switch source.settings {
            case .sqs(let settings):
                made[source.name] = SQSProbe(settings: settings, credentials: AWSCredentialChain(profile: settings.profile, environment: environment))
            case .postgres(let settings): made[source.name] = PostgresProbe(settings: settings, logger: logger)
            case .redis(let settings): made[source.name] = RedisProbe(settings: settings)
            }
        }
        self.probes = made
        self.intake = intake
        self.alarmWakeup = alarmWakeup
        self.logger = logger
        self.health = Mutex(Dictionary(uniqueKeysWithValues: sources.map { ($0.name, DLQSourceHealth(identity: $0.identity)) }))
    }

    /// Polls every source until graceful shutdown.
    public func run() async throws {
        // Cancelled on graceful shutdown, so a poll hung on a dead queue ends at once instead of at its timeout.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for source in self.sources {
                    group.addTask { await self.poll(source) }
                }
            }
        }
    }

    /// Every source's health, in configuration order.
    public var statuses: [DLQSourceStatus] {
        self.health.withLock { health in self.sources.compactMap { health[$0.name]?.status } }
    }

    private func poll(_ source: DLQSourceConfiguration) async {
        await self.pollOnce(source)
        let interval = Duration.checkedSeconds(source.intervalSeconds) ?? .seconds(10)
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            await self.pollOnce(source)
        }
    }

    /// Polls one source now and records the outcome.
    public func pollOnce(_ source: DLQSourceConfiguration) async {
        guard let probe = self.probes[source.name] else { return }
        let timeout = source.timeoutSeconds
        let outcome = await TimeLimit.run(seconds: timeout) { try await probe.read(timeoutSeconds: timeout) }
        guard !Task.isCancelled else { return }
        let now = self.intake.nowMillis
        switch outcome {
        case .finished(.success(let reading)):
            do {
                let report = QueueDepthReport(pipeline: source.pipeline, queue: source.queue, depth: reading.depth, timeMillis: now)
                let result = try await self.intake.ingest(IngestEntries(queueDepths: [report]), policy: .skipRefused)
                if let reason = result.refused.first?.rejection.reason {
                    let hint = reason == .tooManyQueues ? "; raise limits.max_queues" : ""
                    self.failed(source, .error, "\(source.name): Funnel refused the depth \(reading.depth) (\(reason.rawValue))\(hint)", now: now)
                    return
                }
            } catch {
                self.failed(source, .error, "\(source.name): read depth \(reading.depth) but could not store it: \(error)", now: now)
                return
            }
            let changed = self.health.withLock { health in
                let wasUp = health[source.name]?.up
                health[source.name]?.succeeded(reading, nowMillis: now)
                return wasUp != true
            }
            if changed {
                self.logger.info("DLQ source is up", metadata: ["source": "\(source.name)", "depth": "\(reading.depth)"])
                self.alarmWakeup?.signal()
            }
        case .finished(.failure(let error as DLQSourceError)) where error.timedOut:
            self.failed(source, .timeout, "\(source.name): no answer within the timeout of \(Self.shown(seconds: timeout)) (\(error.message))", now: now)
        case .finished(.failure(let error)):
            let cause = (error as? DLQSourceError)?.message ?? String(describing: error)
            self.failed(source, .error, "\(source.name): \(cause)", now: now)
        case .timedOut:
            self.failed(source, .timeout, "\(source.name): no answer within the timeout of \(Self.shown(seconds: timeout))", now: now)
        }
    }

    /// `200ms`, `5s`, `1.5s`.
    static func shown(seconds: Double) -> String {
        if seconds < 1 { return "\(Int64(rounding: seconds * 1000) ?? 0)ms" }
        return seconds == seconds.rounded() ? "\(Int64(rounding: seconds) ?? 0)s" : "\(seconds)s"
    }

    private func failed(_ source: DLQSourceConfiguration, _ result: DLQPollResult, _ message: String, now: Int64) {
        let changed = self.health.withLock { health in
            let before = health[source.name].map { ($0.up, $0.lastError) }
            health[source.name]?.failed(result, message: message, nowMillis: now)
            return before.map { $0.0 != false || $0.1 != message } ?? true
        }
        if changed {
            self.logger.warning("DLQ source poll failed", metadata: ["source": "\(source.name)", "error": "\(message)"])
            self.alarmWakeup?.signal()
        }
    }
}
