public import FunnelCore

/// Everything `funnel serve` needs to know, with defaults that run on a fresh machine without a config file.
public struct FunnelConfiguration: Sendable, Hashable {
    /// Address the HTTP listener binds; port 0 picks a free port.
    public var listenHost: String
    public var listenPort: Int
    /// Directory of the SQLite database (`funnel.sqlite`), created if missing.
    public var dataDirectory: String
    /// Pipelines, bucket settings, retention and cardinality limits.
    public var ledger: LedgerPolicy
    /// Largest request body accepted, in bytes; larger gets `413`.
    public var maximumBodyBytes: Int
    /// Most reports in one request.
    public var maximumReportsPerRequest: Int
    /// Longest pipeline, stage or queue name accepted over HTTP (at most 128).
    public var maximumNameLength: Int = NameRule.maximumLength
    /// How long an `Idempotency-Key` is remembered, in seconds.
    public var idempotencyWindowSeconds: Int64
    /// How often buckets are settled and retention is applied, in seconds.
    public var settleIntervalSeconds: Double
    /// Where alarm notifications go.
    public var receivers: [WebhookReceiver]
    /// The alarm rules.
    public var alarms: [AlarmRule]
    /// How often alarms are evaluated, in seconds (they are also evaluated on every DLQ depth report).
    public var alarmIntervalSeconds: Double
    /// Webhook delivery: per-attempt timeout, attempts before giving up, and the exponential backoff range, in seconds.
    public var webhookTimeoutSeconds: Double
    public var webhookMaximumAttempts: Int
    public var webhookInitialBackoffSeconds: Double
    public var webhookMaximumBackoffSeconds: Double
    /// Notifications that may wait in the outbox per receiver; beyond it the oldest are dropped (and counted).
    public var webhookMaximumOutboxPerReceiver: Int
    /// Funnel's address as users reach it, for links in notifications; defaults to the listen address.
    public var externalURL: String?
    /// Bearer tokens accepted on `/v1/*`; empty leaves ingest open to anyone who can reach the port.
    public var ingestTokens: [String]
    /// Bearer tokens accepted on `/api/*` and `/metrics`; empty leaves them open.
    public var readTokens: [String]
    /// Seconds a connection may sit idle before it is closed.
    public var idleTimeoutSeconds: Double
    /// Seconds a client has to send a whole request body; slower gets `408`.
    public var bodyTimeoutSeconds: Double
    /// Seconds a new connection has to send a complete request head before it is closed.
    public var headerTimeoutSeconds: Double = 5
    /// Bytes per second a request body must average after ``bodyGraceSeconds``; slower gets `408 body_too_slow`.
    public var minimumBodyBytesPerSecond: Double = 1024
    /// Seconds a request body may take before its rate is checked.
    public var bodyGraceSeconds: Double = 2
    /// The most HTTP connections open at once; more are closed as they arrive. Nil: the open-file limit less 128,
    /// at most 4,096 (see ``FileDescriptorLimit/defaultConnectionLimit``).
    public var maximumConnections: Int?
    /// PEM certificate chain and private key for TLS directly on the listener; nil serves plain HTTP.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// How hard a `202` promises the reports are kept: `full` (synced to disk, the default), `normal`, `memory`.
    public var durability: Durability
    /// Report requests handled at once; more get `503` with `Retry-After`, so memory stays bounded under a flood.
    public var maximumConcurrentRequests: Int
    /// The StatsD/DogStatsD listener; disabled by default.
    public var statsd: StatsDConfiguration
    /// Queues whose depth Funnel polls itself (`dlq_sources:`); empty by default.
    public var dlqSources: [DLQSourceConfiguration]
    /// How log lines are written (`log_format`); `--log-format` overrides it.
    public var logFormat: LogFormat = .text
    /// Shadow comparisons of a baseline pipeline against a candidate (`comparisons:`); none by default.
    public var comparisons: [Comparison] = []

    public init(
        listenHost: String = "127.0.0.1",
        listenPort: Int = 9470,
        dataDirectory: String = "./funnel-data",
        ledger: LedgerPolicy = LedgerPolicy(),
        maximumBodyBytes: Int = 8 * 1024 * 1024,
        maximumReportsPerRequest: Int = 100_000,
        idempotencyWindowSeconds: Int64 = 24 * 3600,
        settleIntervalSeconds: Double = 1,
        receivers: [WebhookReceiver] = [],
        alarms: [AlarmRule] = [],
        alarmIntervalSeconds: Double = 1,
        webhookTimeoutSeconds: Double = 10,
        webhookMaximumAttempts: Int = 12,
        webhookInitialBackoffSeconds: Double = 1,
        webhookMaximumBackoffSeconds: Double = 300,
        webhookMaximumOutboxPerReceiver: Int = 1000,
        externalURL: String? = nil,
        ingestTokens: [String] = [],
        readTokens: [String] = [],
        idleTimeoutSeconds: Double = 60,
        bodyTimeoutSeconds: Double = 30,
        maximumConcurrentRequests: Int = 64,
        durability: Durability = .full,
        tlsCertificatePath: String? = nil,
        tlsKeyPath: String? = nil,
        statsd: StatsDConfiguration = StatsDConfiguration(),
        dlqSources: [DLQSourceConfiguration] = []
    ) {
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.dataDirectory = dataDirectory
        self.ledger = ledger
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumReportsPerRequest = maximumReportsPerRequest
        self.idempotencyWindowSeconds = idempotencyWindowSeconds
        self.settleIntervalSeconds = settleIntervalSeconds
        self.receivers = receivers
        self.alarms = alarms
        self.alarmIntervalSeconds = alarmIntervalSeconds
        self.webhookTimeoutSeconds = webhookTimeoutSeconds
        self.webhookMaximumAttempts = webhookMaximumAttempts
        self.webhookInitialBackoffSeconds = webhookInitialBackoffSeconds
        self.webhookMaximumBackoffSeconds = webhookMaximumBackoffSeconds
        self.webhookMaximumOutboxPerReceiver = webhookMaximumOutboxPerReceiver
        self.externalURL = externalURL
        self.ingestTokens = ingestTokens
        self.readTokens = readTokens
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.bodyTimeoutSeconds = bodyTimeoutSeconds
        self.maximumConcurrentRequests = maximumConcurrentRequests
        self.durability = durability
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
        self.statsd = statsd
        self.dlqSources = dlqSources
    }

    /// The base URL used in links back to Funnel.
    public var resolvedExternalURL: String {
        self.externalURL ?? "\(self.tlsCertificatePath == nil ? "http" : "https")://\(self.listenHost.contains(":") ? "[\(self.listenHost)]" : self.listenHost):\(self.listenPort)"
    }

    /// Parses `HOST:PORT` (or `[v6]:PORT`) into host and port.
    public static func parseListenAddress(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }
}
