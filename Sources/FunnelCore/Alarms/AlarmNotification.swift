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
        "\(self.fingerprint)-\(self.startsAtMillis)-\(self.status.rawValue)-\(self.sequence)"
    }
}
