/// One source's poll history: whether it is up, its last error and last reading, and poll counts by result.
///
/// Pure: each poll's outcome and time are passed in. A source is up from its first successful poll until a poll
/// fails or times out, and down from then until one succeeds; before its first poll it is neither (`up` is nil).
public struct DLQSourceHealth: Sendable, Hashable {
    public let identity: DLQSourceIdentity
    public private(set) var up: Bool?
    public private(set) var lastError: String?
    public private(set) var lastErrorMillis: Int64?
    public private(set) var lastSuccessMillis: Int64?
    public private(set) var lastReading: DLQReading?
    /// When the source went down, Unix milliseconds; nil while up.
    public private(set) var downSinceMillis: Int64?
    public private(set) var polls: [DLQPollResult: UInt64] = [:]

    public init(identity: DLQSourceIdentity) {
        self.identity = identity
    }

    /// Records a successful poll.
    public mutating func succeeded(_ reading: DLQReading, nowMillis: Int64) {
        self.polls[.ok, default: 0] &+= 1
        self.up = true
        self.downSinceMillis = nil
        self.lastSuccessMillis = nowMillis
        self.lastReading = reading
    }

    /// Records a failed poll (`result` is `.error` or `.timeout`) with a message naming the source and the cause.
    public mutating func failed(_ result: DLQPollResult, message: String, nowMillis: Int64) {
        self.polls[result == .ok ? .error : result, default: 0] &+= 1
        if self.up != false { self.downSinceMillis = nowMillis }
        self.up = false
        self.lastError = message
        self.lastErrorMillis = nowMillis
    }

    /// The source as `GET /api/v1/dlq/sources` shows it.
    public var status: DLQSourceStatus {
        DLQSourceStatus(
            source: self.identity.source, kind: self.identity.kind, pipeline: self.identity.pipeline, queue: self.identity.queue,
            up: self.up, lastError: self.lastError, lastErrorAt: self.lastErrorMillis.map { EventTimestamp.formatRFC3339(millis: $0) },
            lastSuccessAt: self.lastSuccessMillis.map { EventTimestamp.formatRFC3339(millis: $0) },
            lastSuccessUnixSeconds: self.lastSuccessMillis.map { Double($0) / 1000 },
            downSince: self.downSinceMillis.map { EventTimestamp.formatRFC3339(millis: $0) },
            lastDepth: self.lastReading?.depth, notVisible: self.lastReading?.notVisible,
            oldestAgeSeconds: self.lastReading?.oldestAgeSeconds,
            polls: DLQSourceStatus.Polls(ok: self.polls[.ok] ?? 0, error: self.polls[.error] ?? 0, timeout: self.polls[.timeout] ?? 0)
        )
    }
}
