import FunnelCore
public import Foundation
public import Hummingbird
public import Logging
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL
public import UnixSignals

/// Funnel's wall clock: Unix milliseconds.
public let wallClockMillis: @Sendable () -> Int64 = { Int64(millisecondsFromSeconds: Date().timeIntervalSince1970) ?? 0 }

/// Builds the whole server from a configuration: storage, restored ledger, routes and background services.
///
/// `onServerRunning` receives the bound address (`HOST:PORT`), which differs from the configured one for port 0;
/// `onStatsDListening` receives the StatsD listener's bound addresses, when it is configured. `environment` is where
/// SQS sources find `AWS_*` credentials.
///
/// `reloadConfiguration` reads the configuration again for `POST /-/reload` and for each signal of `reloadSignals`
/// (`SIGHUP`, trapped by the caller before building); without it a reload keeps `configuration`.
public func buildApplication(
    configuration: FunnelConfiguration,
    logger: Logger = Logger(label: "funnel"),
    clock: @escaping @Sendable () -> Int64 = wallClockMillis,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    reloadConfiguration: (@Sendable () throws -> FunnelConfiguration)? = nil,
    reloadSignals: UnixSignalsSequence? = nil,
    onStatsDListening: @escaping @Sendable (StatsDBinding) async -> Void = { _ in },
    onServerRunning: @escaping @Sendable (String) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let store = try FunnelStore(
        directory: configuration.dataDirectory, durability: configuration.durability,
        outboxLimitPerReceiver: configuration.webhookMaximumOutboxPerReceiver
    )
    let alarmWakeup = Wakeup()
    let senderWakeup = Wakeup()
    let intake = try ReportIntake(configuration: configuration, store: store, clock: clock, alarmInputsChanged: alarmWakeup, logger: logger)
    for repair in intake.restoreRepairs.prefix(100) {
        logger.warning("stored counter repaired on restore", metadata: ["file": "\(store.path)", "problem": "\(repair)"])
    }
    if intake.restoreRepairs.count > 100 {
        logger.warning("more stored counters repaired on restore", metadata: ["file": "\(store.path)", "count": "\(intake.restoreRepairs.count - 100)"])
    }
    let otlp = try OTLPReceiver(intake: intake)
    // Made without sources too, so that a reload can add some; with none it polls nothing and shows nothing.
    let sources = DLQSourceService(
        sources: configuration.dlqSources, intake: intake, alarmWakeup: alarmWakeup, logger: logger, environment: environment
    )
    let alarms = try AlarmService(
        rules: configuration.alarms, receivers: configuration.receivers, intake: intake, store: store, sources: sources,
        interval: Duration.checkedSeconds(configuration.alarmIntervalSeconds) ?? .seconds(1), externalURL: configuration.resolvedExternalURL,
        wakeup: alarmWakeup, sender: senderWakeup, logger: logger
    )
    let sender = WebhookSender(
        store: store, receivers: configuration.receivers, timeoutSeconds: configuration.webhookTimeoutSeconds,
        maximumAttempts: configuration.webhookMaximumAttempts, initialBackoffSeconds: configuration.webhookInitialBackoffSeconds,
        maximumBackoffSeconds: configuration.webhookMaximumBackoffSeconds, clock: clock, wakeup: senderWakeup, logger: logger
    )
    let router = Router(context: FunnelRequestContext.self)
    let statsd =
        configuration.statsd.isEnabled
        ? StatsDListener(configuration: configuration.statsd, intake: intake, logger: logger, onListening: onStatsDListening)
        : nil
    let tokens = RunningValue(configuration, read: { RequestTokens($0) })
    let durations = HTTPRequestDurations()
    router.add(middleware: RequestLogMiddleware(logger: logger, durations: durations))
    router.add(middleware: AccessControlMiddleware(tokens: tokens, countUnauthorizedIngest: { intake.countRejection(.unauthorized) }))
    let connections = ConnectionGate(limit: connectionLimit(configuration, logger: logger), logger: logger)
    let limits = RunningValue(configuration, read: { RequestLimits($0) })
    let comparisons = RunningValue(configuration, read: { $0.comparisons })
    let mismatchWindows = RunningValue(configuration, read: { ComparisonFamilies.mismatchWindows(of: $0.alarms) })
    // Every part that takes a reloaded configuration, in the order it takes it: the ledger and the DLQ sources
    // before the alarms, so that alarms on a new pipeline or source find it.
    let reloadable: [any ConfigurationReloadable] = [intake, tokens, limits, comparisons, mismatchWindows, sources, alarms, sender] + (statsd.map { [$0] } ?? [])
    let reloader = ConfigurationReloader(
        running: configuration, load: reloadConfiguration ?? { configuration }, parts: reloadable, logger: logger, clock: clock
    )
    // What /metrics shows, in this order. The DLQ sources' families have always come between the ledger's DLQ
    // depths and its delivery ratios.
    let metrics: [any MetricsSource] =
        [FunnelBuild.current, ProcessStatistics(), reloader, intake, store, connections, durations, intake.ledgerFamilies, sources]
        + [intake.pipelineDelivery, intake.watermarkFamilies, intake.comparisonFamilies(comparisons, mismatchWindows: mismatchWindows), alarms, sender] + (statsd.map { [$0] } ?? []) + [otlp]
    FunnelRoutes(
        intake: intake, limits: limits, metrics: metrics, alarms: alarms, sources: sources, reloader: reloader, otlp: otlp,
        comparisons: comparisons, logger: logger
    ).register(on: router)
    WebUIRoutes(
        intake: intake, alarms: alarms, comparisons: comparisons, tokens: tokens, secure: configuration.tlsCertificatePath != nil
    ).register(on: router)
    let settle = SettleService(
        intake: intake,
        interval: Duration.checkedSeconds(configuration.settleIntervalSeconds) ?? .seconds(1),
        logger: logger
    )
    let headerTimeout = TimeAmount.milliseconds(Int64(millisecondsFromSeconds: configuration.headerTimeoutSeconds) ?? 5000)
    let channel = HTTP1Channel.Configuration(
        additionalChannelHandlers: [RequestHeadTimeoutHandler(timeout: headerTimeout, gate: connections), LingeringCloseHandler(linger: .seconds(2))],
        idleTimeout: .milliseconds(Int64(millisecondsFromSeconds: configuration.idleTimeoutSeconds) ?? 60_000)
    )
    let tls: TLSConfiguration?
    if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
        tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        )
    } else {
        tls = nil
    }
    let server = HTTPServerBuilder { responder in
        let http1 = HTTP1Channel(responder: responder, configuration: channel)
        if let tls { return LimitedHTTPChannel(try TLSChannel(http1, tlsConfiguration: tls), gate: connections) }
        return LimitedHTTPChannel(http1, gate: connections)
    }
    return Application(
        responder: CanonicalPathResponder(router.buildResponder()),
        server: server,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.listenHost, port: configuration.listenPort),
            serverName: "funnel/\(FunnelVersion.current)"
        ),
        services: [intake.committer, settle, alarms, sender] + (statsd.map { [$0] } ?? []) + [sources]
            + (reloadSignals.map { [ReloadSignalService(signals: $0, reloader: reloader)] } ?? []),
        onServerRunning: { channel in
            let address = channel.localAddress.map { address -> String in
                let host = address.ipAddress ?? configuration.listenHost
                let shown = host.contains(":") ? "[\(host)]" : host
                return "\(shown):\(address.port ?? configuration.listenPort)"
            }
            await onServerRunning(address ?? "\(configuration.listenHost):\(configuration.listenPort)")
        },
        logger: logger
    )
}

/// The connection cap: `limits.max_connections`, or one derived from the open-file limit, which is first raised
/// to its hard limit; both are logged.
private func connectionLimit(_ configuration: FunnelConfiguration, logger: Logger) -> Int {
    let files = FileDescriptorLimit.raiseSoftToHard()
    let limit = configuration.maximumConnections ?? files?.defaultConnectionLimit ?? 896
    if let files {
        logger.info("open-file limit \(files.soft) (hard \(files.hard)); at most \(limit) HTTP connections at once")
        if UInt64(limit) + 64 > files.soft {
            logger.warning("limits.max_connections (\(limit)) leaves fewer than 64 of the \(files.soft) open files for the database and other sockets")
        }
    }
    return limit
}
