/// Reads a point in time given as a query parameter (`from=`, `to=`): RFC 3339, or Unix seconds in decimal.
///
/// Accepted times lie from the Unix epoch to the last second of year 9999 (``latestSeconds``), so every accepted
/// value is a whole number of milliseconds that Int64 holds and RFC 3339 writes with a four-digit year. Unix seconds
/// are digits with an optional fraction (`1764000000`, `1764000000.250`); exponents, signs, hex, `nan` and `inf`
/// are refused. Fractions below a millisecond are truncated.
public enum TimeParameter {
    /// The latest accepted time in Unix seconds: `9999-12-31T23:59:59Z`.
    public static let latestSeconds: Int64 = 253_402_300_799
    /// Every accepted time, in Unix milliseconds.
    public static let millisecondRange: ClosedRange<Int64> = 0...(latestSeconds * 1000 + 999)

    /// The time `text` names as Unix milliseconds; `name` is the parameter, named by the error.
    public static func millis(_ text: some StringProtocol, name: String) throws(TimeParameterError) -> Int64 {
        if let millis = EventTimestamp.parseRFC3339(text) {
            guard Self.millisecondRange.contains(millis) else { throw TimeParameterError(name: name, value: String(text)) }
            return millis
        }
        guard let millis = Self.unixMillis(text.utf8) else { throw TimeParameterError(name: name, value: String(text)) }
        return millis
    }

    /// Unix seconds written as `DIGITS[.DIGITS]`, as milliseconds; nil when malformed or past ``latestSeconds``.
    private static func unixMillis(_ bytes: some Collection<UInt8>) -> Int64? {
        var seconds: Int64 = 0
        var millis: Int64 = 0
        var scale: Int64 = 100
        var wholeDigits = 0
        var fractionDigits = 0
        var inFraction = false
        for byte in bytes {
            if byte == UInt8(ascii: "."), !inFraction {
                inFraction = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            if inFraction {
                millis += digit * scale
                scale /= 10
                fractionDigits += 1
            } else {
                seconds = seconds * 10 + digit
                wholeDigits += 1
                guard seconds <= Self.latestSeconds else { return nil }
            }
        }
        guard wholeDigits > 0, !inFraction || fractionDigits > 0 else { return nil }
        return seconds * 1000 + millis
    }
}
