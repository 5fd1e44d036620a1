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
    /// The declared label the rule fires per value of (`by: tenant`): `silent_loss`, `transit_loss` and
    /// `delivery_ratio` only.
    public var by: String?
    /// The one value of ``by`` this copy of the rule watches, set when a `by` rule is evaluated per value.
    public var group: AlarmGroup?

    public init(
        name: String, kind: AlarmKind, condition: AlarmCondition, forSeconds: Int64 = 0, labels: [String: String] = [:],
        annotations: [String: String] = [:], receivers: [String] = [], repeatIntervalSeconds: Int64 = 4 * 3600,
        sendResolved: Bool = true, by: String? = nil
    ) {
        self.by = by
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
        if let group = self.group { labels[group.label] = group.value }
        labels.merge(self.labels) { $1 }
        return labels
    }

    /// The key of this rule's state: its name, with the group's value for a copy that watches one value
    /// (`per-tenant-loss{tenant="acme"}`).
    public var trackerKey: String {
        guard let group = self.group else { return self.name }
        return "\(self.name){\(group.label)=\(String(reflecting: group.value))}"
    }

    /// The rule's name in a tracker key made by ``trackerKey``.
    public static func ruleName(ofTrackerKey key: String) -> Substring {
        key.firstIndex(of: "{").map { key[..<$0] } ?? Substring(key)
    }

    /// This rule watching one value of its `by` label.
    public func watching(_ value: String) -> AlarmRule {
        var rule = self
        rule.group = self.by.map { AlarmGroup(label: $0, value: value) }
        return rule
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

/// One value of the label a `by` rule fires per value of.
public struct AlarmGroup: Sendable, Hashable, Codable {
    public var label: String
    public var value: String

    public init(label: String, value: String) {
        self.label = label
        self.value = value
    }

    /// The group a tracker key of a rule `by` `label` names (see ``AlarmRule/trackerKey``), or nil.
    init?(trackerKey key: String, label: String) {
        guard let open = key.firstIndex(of: "{"), key.hasSuffix("}") else { return nil }
        let inside = key[key.index(after: open)..<key.index(before: key.endIndex)]
        guard inside.hasPrefix(label + "=") else { return nil }
        let quoted = inside.dropFirst(label.count + 1)
        guard quoted.count >= 2, quoted.first == "\"", quoted.last == "\"" else { return nil }
        var value = ""
        var escaped = false
        for character in quoted.dropFirst().dropLast() {
            if escaped {
                value.append(character == "n" ? "\n" : character == "t" ? "\t" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                value.append(character)
            }
        }
        self.init(label: label, value: value)
    }
}
