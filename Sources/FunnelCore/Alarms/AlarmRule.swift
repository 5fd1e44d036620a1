/// One configured alarm: what to watch, when it is bad, for how long, and whom to tell.
public struct AlarmRule: Sendable, Hashable {
    public var name: String
    public var kind: AlarmKind
    public var condition: AlarmCondition
    /// How long the condition must hold before the alarm fires, in seconds.
    public var forSeconds: Int64
    /// Extra labels on every notification (e.g. `severity: page`).
    public var labels: [String: String]
    /// `summary`, `description`, `runbook_url`, ...; `{{ $value }}`, `{{ $threshold }}` and `{{ $labels.NAME }}` are filled in.
    public var annotations: [String: String]
    /// Receiver names.
    public var receivers: [String]
    /// A firing alarm is notified again after this many seconds; 0 never repeats.
    public var repeatIntervalSeconds: Int64
    /// Whether clearing sends a resolved notification.
    public var sendResolved: Bool

    public init(
        name: String, kind: AlarmKind, condition: AlarmCondition, forSeconds: Int64 = 0, labels: [String: String] = [:],
        annotations: [String: String] = [:], receivers: [String] = [], repeatIntervalSeconds: Int64 = 4 * 3600,
        sendResolved: Bool = true
    ) {
        self.name = name
        self.kind = kind
        self.condition = condition
        self.forSeconds = forSeconds
        self.labels = labels
        self.annotations = annotations
        self.receivers = receivers
        self.repeatIntervalSeconds = repeatIntervalSeconds
        self.sendResolved = sendResolved
    }

    /// The `severity` of an alarm whose labels set none.
    public static let defaultSeverity = "warning"

    /// All labels of the alarm's notifications: `alertname`, the kind's labels, `severity` (``defaultSeverity``
    /// unless the rule sets it), then the rule's own.
    public var notificationLabels: [String: String] {
        var labels = self.kind.labels
        labels["alertname"] = self.name
        labels["severity"] = Self.defaultSeverity
        labels.merge(self.labels) { $1 }
        return labels
    }

    /// A stable identity of the alarm (hex of a 64-bit FNV-1a over its sorted labels), as Alertmanager's `fingerprint`.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (name, value) in self.notificationLabels.sorted(by: { $0.key < $1.key }) {
            for byte in name.utf8 + [0xFF] + value.utf8 + [0xFF] {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
