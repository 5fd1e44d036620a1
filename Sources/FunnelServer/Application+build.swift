import FunnelCore
public import Foundation
public import Hummingbird
public import Logging
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL

/// Funnel's wall clock: Unix milliseconds.
public let wallClockMillis: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

/// Builds the whole server from a configuration: storage, restored ledger, routes and background services.
///
/// `onServerRunning` receives the bound address (`HOST:PORT`), which differs from the configured one for port 0;
/// `onStatsDListening` receives the StatsD listener's bound addresses, when it is configured. `environment` is where
/// SQS sources find `AWS_*` credentials.
public func buildApplication(
    configuration: FunnelConfiguration,
    logger: Logger = Logger(label: "funnel"),
    clock: @escaping @Sendable () -> Int64 = wallClockMillis,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    onStatsDListening: @escaping @Sendable (StatsDBinding) async -> Void = { _ in },
    onServerRunning: @escaping @Sendable (String) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let store = try FunnelStore(directory: configuration.dataDirectory, durability: configuration.durability)
    let alarmWakeup = Wakeup()
    let senderWakeup = Wakeup()
    let intake = try ReportIntake(configuration: configuration, store: store, clock: clock, queueDepthsChanged: alarmWakeup)
    for repair in intake.restoreRepairs.prefix(100) {
        logger.warning("stored counter repaired on restore", metadata: ["file": "\(store.path)", "problem": "\(repair)"])
    }
    if intake.restoreRepairs.count > 100 {
        logger.warning("more stored counters repaired on restore", metadata: ["file": "\(store.path)", "count": "\(intake.restoreRepairs.count - 100)"])
    }
    let sources =
        configuration.dlqSources.isEmpty ? nil : DLQSourceService(
            sources: configuration.dlqSources, intake: intake, alarmWakeup: alarmWakeup, logger: logger, environment: environment
        )
    let alarms = try AlarmService(
        rules: configuration.alarms, receivers: configuration.receivers, intake: intake, sources: sources,
        interval: Duration.checkedSeconds(configuration.alarmIntervalSeconds) ?? .seconds(1), externalURL: configuration.resolvedExternalURL,
        wakeup: alarmWakeup, sender: senderWakeup, logger: logger
    )
    let sender = WebhookSender(
        store: store, receivers: configuration.receivers, timeoutSeconds: configuration.webhookTimeoutSeconds,
        maximumAttempts: configuration.webhookMaximumAttempts, initialBackoffSeconds: configuration.webhookInitialBackoffSeconds,
        maximumBackoffSeconds: configuration.webhookMaximumBackoffSeconds, clock: clock, wakeup: senderWakeup, logger: logger
    )
    let router = Router()
    let statsd =
        configuration.statsd.isEnabled
        ? StatsDListener(configuration: configuration.statsd, intake: intake, logger: logger, onListening: onStatsDListening)
        : nil
    router.add(
        middleware: AccessControlMiddleware(
            ingest: AccessTokens(configuration.ingestTokens), read: AccessTokens(configuration.readTokens), intake: intake
        )
    )
    FunnelRoutes(
        intake: intake, maximumBodyBytes: configuration.maximumBodyBytes, alarms: alarms, webhooks: sender,
        bodyTimeoutSeconds: configuration.bodyTimeoutSeconds, maximumConcurrentRequests: configuration.maximumConcurrentRequests,
        statsd: statsd, sources: sources
    ).register(on: router)
    let settle = SettleService(
        intake: intake,
        interval: Duration.checkedSeconds(configuration.settleIntervalSeconds) ?? .seconds(1),
        logger: logger
    )
    var server = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .milliseconds(Int64(millisecondsFromSeconds: configuration.idleTimeoutSeconds) ?? 60_000)))
    if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        )
        server = try .tls(server, tlsConfiguration: tls)
    }
    return Application(
        router: router,
        server: server,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.listenHost, port: configuration.listenPort),
            serverName: "funnel/\(FunnelVersion.current)"
        ),
        services: [settle, alarms, sender] + (statsd.map { [$0] } ?? []) + (sources.map { [$0] } ?? []),
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
