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
    /// The sources polled and a probe for each; replaced on reload.
    private struct Polled {
        var sources: [DLQSourceConfiguration]
        var probes: [String: any DLQProbe]
    }

    private let polled: Mutex<Polled>
    let intake: ReportIntake
    let alarmWakeup: Wakeup?
    let logger: Logger
    private let environment: [String: String]
    private let probeOverrides: [String: any DLQProbe]
    private let health: Mutex<[String: DLQSourceHealth]>
    /// Signalled when the sources change, so that pollers of removed or changed sources end and new ones start.
    private let sourcesChanged = Wakeup()

    /// A service for `sources`, one probe per source made for its kind; SQS probes read credentials from `environment`.
    ///
    /// `probes` replaces the probe of a source by name, for a source Funnel does not know how to reach.
    public init(
        sources: [DLQSourceConfiguration], intake: ReportIntake, alarmWakeup: Wakeup?, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment, probes: [String: any DLQProbe] = [:]
    ) {
        self.environment = environment
        self.probeOverrides = probes
        self.logger = logger
        self.intake = intake
        self.alarmWakeup = alarmWakeup
        self.polled = Mutex(Polled(sources: [], probes: [:]))
        self.health = Mutex(Dictionary(uniqueKeysWithValues: sources.map { ($0.name, DLQSourceHealth(identity: $0.identity)) }))
        let probes = Dictionary(uniqueKeysWithValues: sources.map { ($0.name, self.probe(for: $0)) })
        self.polled.withLock { $0 = Polled(sources: sources, probes: probes) }
    }

    /// The probe that reads `source`: the one given for its name, else one made for its kind.
    private func probe(for source: DLQSourceConfiguration) -> any DLQProbe {
        if let probe = self.probeOverrides[source.name] { return probe }
        switch source.settings {
        case .sqs(let settings):
            return SQSProbe(settings: settings, credentials: AWSCredentialChain(profile: settings.profile, environment: self.environment))
        case .postgres(let settings): return PostgresProbe(settings: settings, logger: self.logger)
        case .redis(let settings): return RedisProbe(settings: settings)
        }
    }

    /// The sources polled now, in configuration order.
    public var sources: [DLQSourceConfiguration] { self.polled.withLock { $0.sources } }

    /// Polls every source until graceful shutdown; a reload ends the pollers of removed or changed sources and
    /// starts the new ones.
    public func run() async throws {
        // Cancelled on graceful shutdown, so a poll hung on a dead queue ends at once instead of at its timeout.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                var running: [String: (source: DLQSourceConfiguration, wakeup: Wakeup)] = [:]
                while !Task.isCancelled {
                    let wanted = self.sources
                    for (name, poller) in running where !wanted.contains(poller.source) {
                        running[name] = nil
                        poller.wakeup.signal()
                    }
                    for source in wanted where running[source.name] == nil {
                        let wakeup = Wakeup()
                        running[source.name] = (source, wakeup)
                        group.addTask { await self.poll(source, wakeup: wakeup) }
                    }
                    await self.sourcesChanged.wait(upTo: .seconds(3600))
                }
            }
        }
    }

    /// Every source's health, in configuration order.
    public var statuses: [DLQSourceStatus] {
        let sources = self.sources
        return self.health.withLock { health in sources.compactMap { health[$0.name]?.status } }
    }

    /// Whether `source` is still configured as it is.
    private func isCurrent(_ source: DLQSourceConfiguration) -> Bool {
        self.polled.withLock { $0.sources.contains(source) }
    }

    /// Polls `source` at once and then every interval (from one poll's start to the next), while it is configured.
    private func poll(_ source: DLQSourceConfiguration, wakeup: Wakeup) async {
        let interval = Duration.checkedSeconds(source.intervalSeconds) ?? .seconds(10)
        let clock = ContinuousClock()
        while !Task.isCancelled, self.isCurrent(source) {
            let started = clock.now
            await self.pollOnce(source)
            let remaining = started + interval - clock.now
            if remaining > .zero { await wakeup.wait(upTo: remaining) }
        }
    }

    /// Polls one source now and records the outcome.
    public func pollOnce(_ source: DLQSourceConfiguration) async {
        guard let probe = self.polled.withLock({ $0.probes[source.name] }) else { return }
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

extension DLQSourceService: ConfigurationReloadable {
    /// Takes the reloaded `dlq_sources`: an unchanged source keeps its poller, health and probe; a changed one is
    /// polled anew with its new settings (its health restarts); a removed one stops and leaves the lists.
    public func apply(_ configuration: FunnelConfiguration) async -> [String] {
        let sources = configuration.dlqSources
        let previous = self.sources
        let running = self.polled.withLock { $0.probes }
        var probes: [String: any DLQProbe] = [:]
        for source in sources {
            probes[source.name] = previous.contains(source) ? running[source.name] ?? self.probe(for: source) : self.probe(for: source)
        }
        self.health.withLock { health in
            var next: [String: DLQSourceHealth] = [:]
            for source in sources {
                next[source.name] = previous.contains(source) ? health[source.name] ?? DLQSourceHealth(identity: source.identity) : DLQSourceHealth(identity: source.identity)
            }
            health = next
        }
        self.polled.withLock { $0 = Polled(sources: sources, probes: probes) }
        self.sourcesChanged.signal()
        if previous != sources { self.alarmWakeup?.signal() }
        return []
    }
}
