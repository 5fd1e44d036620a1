/// A DLQ source as `GET /api/v1/dlq/sources` shows it: whether Funnel can read the queue, and what it read last.
public struct DLQSourceStatus: Sendable, Hashable, Codable {
    /// Polls so far, by how they ended.
    public struct Polls: Sendable, Hashable, Codable {
        public var ok: UInt64
        public var error: UInt64
        public var timeout: UInt64

        public init(ok: UInt64, error: UInt64, timeout: UInt64) {
            self.ok = ok
            self.error = error
            self.timeout = timeout
        }
    }

    public var source: String
    public var kind: DLQSourceKind
    public var pipeline: String
    public var queue: String
    /// True after a successful poll, false after a failed one, nil before the first poll ends.
    public var up: Bool?
    /// The last failure, naming the source and what failed, e.g. `sqs:orders/orders-dlq: SignatureDoesNotMatch: ...`.
    public var lastError: String?
    public var lastErrorAt: String?
    /// When the last poll succeeded (RFC 3339), and the same as Unix seconds.
    public var lastSuccessAt: String?
    public var lastSuccessUnixSeconds: Double?
    /// When the source went down (RFC 3339), while it is down.
    public var downSince: String?
    /// The depth read by the last successful poll.
    public var lastDepth: UInt64?
    /// SQS: messages in flight (received, not deleted) at the last successful poll.
    public var notVisible: UInt64?
    /// Age of the oldest message at the last successful poll, when the queue reports it.
    public var oldestAgeSeconds: Double?
    public var polls: Polls

    public init(
        source: String, kind: DLQSourceKind, pipeline: String, queue: String, up: Bool?, lastError: String?, lastErrorAt: String?,
        lastSuccessAt: String?, lastSuccessUnixSeconds: Double?, downSince: String?, lastDepth: UInt64?, notVisible: UInt64?,
        oldestAgeSeconds: Double?, polls: Polls
    ) {
        self.source = source
        self.kind = kind
        self.pipeline = pipeline
        self.queue = queue
        self.up = up
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.lastSuccessAt = lastSuccessAt
        self.lastSuccessUnixSeconds = lastSuccessUnixSeconds
        self.downSince = downSince
        self.lastDepth = lastDepth
        self.notVisible = notVisible
        self.oldestAgeSeconds = oldestAgeSeconds
        self.polls = polls
    }
}
