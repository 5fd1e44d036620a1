/// The rules for label names a pipeline declares and the values reports give them.
///
/// Names are Prometheus label names that do not collide with the labels Funnel's own series carry; values are 1 to
/// 128 bytes of any text without control characters (the empty value means the label was left out).
public enum LabelRule {
    /// The longest label value accepted, in bytes.
    public static let maximumValueLength = 128
    /// The most labels one pipeline may declare.
    public static let maximumLabelsPerPipeline = 8
    /// Label names Funnel's own series already carry.
    public static let reservedNames: Set<String> = [
        "pipeline", "stage", "outcome", "queue", "le", "quantile", "job", "instance", "label", "value", "reporter",
        "comparison", "side", "alarm", "kind", "severity", "from", "to", "reason", "window",
    ]

    /// Why `name` cannot be a declared label, or nil when it can.
    public static func problem(withName name: String) -> String? {
        guard let first = name.utf8.first else { return "must not be empty" }
        if name.utf8.count > 64 { return "must be at most 64 characters, got \(name.utf8.count)" }
        let isLetter = { (byte: UInt8) in (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte == UInt8(ascii: "_") }
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        guard isLetter(first), name.utf8.allSatisfy({ isLetter($0) || isDigit($0) }) else {
            return "must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*), got \(String(reflecting: name))"
        }
        if name.hasPrefix("__") { return "must not start with \"__\" (reserved by Prometheus), got \(String(reflecting: name))" }
        if Self.reservedNames.contains(name) {
            return "\(String(reflecting: name)) is a label Funnel's own series carry; choose another name"
        }
        return nil
    }

    /// Why `value` cannot be a label value, or nil when it can; the empty value is allowed (the label left out).
    public static func problem(withValue value: String) -> String? {
        if value.utf8.count > Self.maximumValueLength {
            return "must be at most \(Self.maximumValueLength) bytes, got \(value.utf8.count)"
        }
        if value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return "must not contain control characters" }
        if value == LabelSet.otherValue { return "\(LabelSet.otherValue) is reserved for values past limits.max_label_values" }
        return nil
    }
}
