/// Checked conversions of outside numbers (parsed from JSON, StatsD, query strings, YAML) into integers.
///
/// Every conversion of a `Double` that came from outside goes through here: each returns nil where a bare
/// `Int64(value)` would trap (not finite, or outside the integer's range), so the caller refuses with its own typed error.
extension FixedWidthInteger {
    /// `value` rounded by `rule`, or nil when it is not finite or the rounded value does not fit.
    @inlinable
    public init?(rounding value: Double, _ rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) {
        guard value.isFinite, let whole = Self(exactly: value.rounded(rule)) else { return nil }
        self = whole
    }

    /// `seconds` as whole milliseconds (rounded down), or nil when that is not finite or does not fit.
    @inlinable
    public init?(millisecondsFromSeconds seconds: Double) {
        self.init(rounding: seconds * 1000, .down)
    }
}

extension Duration {
    /// `seconds` as a duration of whole milliseconds (rounded down), or nil when it is negative, not finite or does not
    /// fit in Int64 milliseconds.
    @inlinable
    public static func checkedSeconds(_ seconds: Double) -> Duration? {
        guard seconds >= 0, let millis = Int64(millisecondsFromSeconds: seconds) else { return nil }
        return .milliseconds(millis)
    }
}
