/// The rule for pipeline, stage and queue names: 1 to 128 characters of `[A-Za-z0-9_.:-]`.
///
/// Names this narrow are safe as Prometheus label values, file names and URL query values without escaping.
public enum NameRule {
    public static let maximumLength = 128

    /// Whether `name` follows the rule.
    public static func accepts(_ name: some StringProtocol) -> Bool {
        var length = 0
        for byte in name.utf8 {
            guard Self.isAllowed(byte) else { return false }
            length += 1
        }
        return length >= 1 && length <= Self.maximumLength
    }

    /// Why `name` breaks the rule, or nil when it follows it.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.utf8.count > Self.maximumLength {
            return "must be at most \(Self.maximumLength) characters, got \(name.utf8.count)"
        }
        if let bad = name.unicodeScalars.first(where: { !$0.isASCII || !Self.isAllowed(UInt8($0.value)) }) {
            return "may only contain letters, digits, '_', '.', ':' and '-', got \(String(reflecting: String(bad))) in \(String(reflecting: name))"
        }
        return nil
    }

    /// Whether `byte` may appear in a name.
    @inline(__always)
    public static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
