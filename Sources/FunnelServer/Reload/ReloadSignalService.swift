public import ServiceLifecycle
public import UnixSignals

/// Reloads the configuration on every `SIGHUP`, as Prometheus, Alertmanager and Debian's units expect.
///
/// The signal is trapped when `signals` is made (before the server is built), so a `SIGHUP` during start-up is
/// held for this service instead of ending the process.
public struct ReloadSignalService: Service {
    let signals: UnixSignalsSequence
    let reloader: ConfigurationReloader

    public init(signals: UnixSignalsSequence, reloader: ConfigurationReloader) {
        self.signals = signals
        self.reloader = reloader
    }

    public func run() async throws {
        for await _ in self.signals.cancelOnGracefulShutdown() {
            _ = await self.reloader.reload()
        }
    }
}
