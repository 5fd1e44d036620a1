/// A message an alarm sends when it fires, repeats or resolves: the same for every receiver type, rendered per type.
public struct AlarmNotification: Sendable, Hashable, Codable {
    /// `firing` or `resolved`.
    public enum Status: String, Sendable, Hashable, Codable {
        case firing
        case resolved
    }

    public var alarm: String
    public var status: Status
    public var labels: [String: String]
    public var annotations: [String: String]
    /// When the alarm started firing, Unix milliseconds.
    public var startsAtMillis: Int64
    /// When it resolved, Unix milliseconds; nil while firing.
    public var endsAtMillis: Int64?
    public var fingerprint: String
    /// The measured value and the threshold, for the message.
    public var value: Double?
    public var threshold: Double
    /// One line: what is wrong and where, with the numbers.
    public var summary: String
    /// Context from the rest of the pipeline, e.g. the stage losing the most.
    public var context: String?
    /// Receiver names to send to.
    public var receivers: [String]
    /// 0 for the first firing notification, 1, 2, ... for repeats after `repeat_interval`.
    public var sequence: Int

    public init(
        alarm: String, status: Status, labels: [String: String], annotations: [String: String], startsAtMillis: Int64,
        endsAtMillis: Int64?, fingerprint: String, value: Double?, threshold: Double, summary: String, context: String?,
        receivers: [String], sequence: Int
    ) {
        self.alarm = alarm
        self.status = status
        self.labels = labels
        self.annotations = annotations
        self.startsAtMillis = startsAtMillis
        self.endsAtMillis = endsAtMillis
        self.fingerprint = fingerprint
        self.value = value
        self.threshold = threshold
        self.summary = summary
        self.context = context
        self.receivers = receivers
        self.sequence = sequence
    }

    /// A key that is the same for retries of this notification and different for every other one.
    public var idempotencyKey: String {
        self.combinedKey ?? "\(self.fingerprint)-\(self.startsAtMillis)-\(self.status.rawValue)-\(self.sequence)"
    }

    /// One notification standing for several of one alarm (the values of a `by` rule that crossed together): the
    /// labels they share, a headline counting them and a line per value.
    public init(combining notifications: [AlarmNotification]) {
        let first = notifications[0]
        var common = first.labels
        for other in notifications.dropFirst() { common = common.filter { other.labels[$0.key] == $0.value } }
        let lines = notifications.map(\.summary)
        let headline = "\(first.alarm): \(notifications.count) \(first.status == .firing ? "firing" : "resolved")"
        var keys = ""
        for notification in notifications { keys += notification.idempotencyKey + "," }
        self.init(
            alarm: first.alarm, status: first.status, labels: common,
            annotations: ["summary": headline, "description": lines.joined(separator: "\n")],
            startsAtMillis: notifications.map(\.startsAtMillis).min() ?? first.startsAtMillis,
            endsAtMillis: first.endsAtMillis, fingerprint: first.fingerprint, value: nil, threshold: first.threshold,
            summary: headline, context: nil, receivers: first.receivers, sequence: 0
        )
        self.combinedKey = "\(first.fingerprint)-group-\(Self.hash(keys))"
    }

    /// The idempotency key of a combined notification, which stands for the keys of all it combines.
    private var combinedKey: String?

    private static func hash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return String(hash, radix: 16)
    }
}
