public import ArgumentParser
import Foundation
import FunnelCore
import FunnelServer
import FunnelTerminal
import Hummingbird
public import Logging
import UnixSignals

/// `funnel serve`: runs the aggregator until SIGINT or SIGTERM; SIGHUP reloads the configuration file.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Funnel server: report ingest, funnel API, web pages and /metrics.",
        discussion: """
            Without flags it listens on 127.0.0.1:9470 and keeps its data in ./funnel-data/funnel.sqlite; open
            http://127.0.0.1:9470/ in a browser for every pipeline's funnel.
            Flags override the configuration file. SIGINT or SIGTERM stop it cleanly; SIGHUP (or POST /-/reload)
            re-reads the configuration file and keeps the settings that need a restart.
            Bearer tokens may also come from the environment, comma-separated: FUNNEL_INGEST_TOKENS (for /v1/*)
            and FUNNEL_READ_TOKENS (for /api/*, /metrics and the web pages); they are never logged.
            """
    )

    @Option(name: .long, help: ArgumentHelp("YAML configuration file (see config.example.yml).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Address to listen on, HOST:PORT; port 0 picks a free port. [default: 127.0.0.1:9470]", valueName: "host:port"))
    var listen: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Directory for the SQLite database, created if missing. [default: ./funnel-data]", valueName: "dir"))
    var dataDirectory: String?

    @Option(
        name: .customLong("statsd"),
        help: ArgumentHelp(
            "UDP address for StatsD/DogStatsD lines, HOST:PORT (e.g. 127.0.0.1:8125); \"\" disables. [default: disabled unless statsd.listen is set in the config file]",
            valueName: "host:port"
        )
    )
    var statsd: String?

    @Option(
        name: .customLong("statsd-tcp"),
        help: ArgumentHelp(
            "TCP address for newline-delimited StatsD lines, HOST:PORT; \"\" disables. [default: disabled unless statsd.tcp_listen is set in the config file]",
            valueName: "host:port"
        )
    )
    var statsdTCP: String?

    @Option(name: .customLong("log-format"), help: ArgumentHelp("text, logfmt or json. [default: log_format from the config file, else text]", valueName: "format"))
    var logFormat: LogFormat?

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: Logger.Level = .info

    func run() async throws {
        let overrides = try ConfigurationOverrides(
            file: self.config, listen: self.listen, dataDirectory: self.dataDirectory, statsd: self.statsd, statsdTCP: self.statsdTCP,
            environment: ProcessInfo.processInfo.environment
        )
        let configuration: FunnelConfiguration
        do {
            configuration = try overrides.load()
        } catch {
            throw ValidationError("\(error)")
        }
        // Trapped before anything is built: a SIGHUP from now on reloads instead of ending the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)

        let format = self.logFormat ?? configuration.logFormat
        let level = self.logLevel
        LoggingSystem.bootstrap { _ in FunnelLogHandler(format: format, level: level) }
        let logger = Logger(label: "funnel")
        let dataDirectory = configuration.dataDirectory
        let scheme = configuration.tlsCertificatePath == nil ? "http" : "https"
        let sources = configuration.dlqSources.map { "\($0.name) every \(DurationText.format(seconds: Int64(rounding: $0.intervalSeconds, .up) ?? .max))" }
        let app = try buildApplication(
            configuration: configuration,
            logger: logger,
            reloadConfiguration: { try overrides.load() },
            reloadSignals: hangups,
            onStatsDListening: { binding in
                let addresses = [binding.udp.map { "udp://\($0)" }, binding.tcp.map { "tcp://\($0)" }].compactMap { $0 }
                let line = "funnel StatsD listening on \(addresses.joined(separator: " and "))\n"
                _ = CommandOutput.standardOutput.attempt(line)
            },
            onServerRunning: { address in
                let line = "funnel \(FunnelVersion.current) listening on \(scheme)://\(address), data in \(dataDirectory)/funnel.sqlite\n"
                _ = CommandOutput.standardOutput.attempt(line)
                if !sources.isEmpty {
                    _ = CommandOutput.standardOutput.attempt("funnel reading DLQ depth from \(sources.joined(separator: ", "))\n")
                }
            }
        )
        do {
            try await app.runService()
        } catch {
            let shown = configuration.listenHost.contains(":") ? "[\(configuration.listenHost)]" : configuration.listenHost
            throw ListenerStartError(error, address: "\(shown):\(configuration.listenPort)") ?? error
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension LogFormat: ExpressibleByArgument {}
