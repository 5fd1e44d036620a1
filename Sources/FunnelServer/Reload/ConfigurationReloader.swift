public import FunnelCore
public import Logging
import Synchronization

/// Re-reads the configuration file on `SIGHUP` or `POST /-/reload` and hands it to every reloadable part.
///
/// The new file is validated first: an invalid one leaves the running configuration in place and is logged with its
/// `file:line:column: key: problem` message. Reloads run one at a time. `/metrics` shows the outcome of the last one
/// as `funnel_config_last_reload_successful` and `funnel_config_last_reload_success_timestamp_seconds`.
public actor ConfigurationReloader {
    private var running: FunnelConfiguration
    private let load: @Sendable () throws -> FunnelConfiguration
    private let parts: [any ConfigurationReloadable]
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    private let outcome: Mutex<(successful: Bool, successMillis: Int64)>
    /// The reload in progress or last done: the next one waits for it, since the actor would let a second reload
    /// in while the first awaits a part.
    private var latest: Task<ConfigurationReload, Never>?

    /// A reloader of `running`; `load` reads and validates the file (and whatever the command line overrides),
    /// `parts` take the result in order. `clock` returns Unix milliseconds; start-up counts as a successful load.
    public init(
        running: FunnelConfiguration, load: @escaping @Sendable () throws -> FunnelConfiguration, parts: [any ConfigurationReloadable],
        logger: Logger, clock: @escaping @Sendable () -> Int64
    ) {
        self.running = running
        self.load = load
        self.parts = parts
        self.logger = logger
        self.clock = clock
        self.outcome = Mutex((true, clock()))
    }

    /// The configuration running now.
    public var configuration: FunnelConfiguration { self.running }

    /// Reads the file again and applies it, or keeps the running configuration when it is invalid; after any
    /// reload already under way.
    public func reload() async -> ConfigurationReload {
        let previous = self.latest
        let next = Task {
            _ = await previous?.value
            return await self.reloadNow()
        }
        self.latest = next
        return await next.value
    }

    private func reloadNow() async -> ConfigurationReload {
        let loaded: FunnelConfiguration
        do {
            loaded = try self.load()
        } catch {
            self.outcome.withLock { $0.successful = false }
            self.logger.error("configuration reload failed; the running configuration is kept", metadata: ["error": "\(error)"])
            return ConfigurationReload(reloaded: false, error: "\(error)")
        }
        var (next, restartRequired) = self.running.adoptingReload(loaded)
        for part in self.parts {
            restartRequired += await part.apply(next)
        }
        self.running = next
        let now = self.clock()
        self.outcome.withLock { $0 = (true, now) }
        self.logger.info(
            "configuration reloaded",
            metadata: [
                "pipelines": "\(next.ledger.pipelines.count)", "alarms": "\(next.alarms.count)", "receivers": "\(next.receivers.count)",
            ]
        )
        for key in restartRequired {
            self.logger.warning("configuration changed a setting that needs a restart; it keeps its running value", metadata: ["key": "\(key)"])
        }
        return ConfigurationReload(reloaded: true, restartRequired: restartRequired)
    }
}

extension ConfigurationReloader: MetricsSource {
    /// Writes whether the last reload succeeded and when the configuration was last loaded successfully.
    public nonisolated func emit(into writer: inout ExpositionWriter) {
        let outcome = self.outcome.withLock { $0 }
        writer.family("funnel_config_last_reload_successful", .gauge, help: "Whether the last configuration reload attempt was successful.")
        writer.sample(outcome.successful ? 1 : 0)
        writer.family(
            "funnel_config_last_reload_success_timestamp_seconds", .gauge, help: "Timestamp of the last successful configuration reload."
        )
        writer.sample(ExpositionLabels.none, Double(outcome.successMillis) / 1000)
    }
}
