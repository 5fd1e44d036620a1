/// A time query parameter that is not RFC 3339 or Unix seconds within ``TimeParameter``'s range.
public struct TimeParameterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The parameter, such as `from`.
    public var name: String
    /// The text it was given.
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public var description: String {
        let shown = self.value.count > 64 ? String(self.value.prefix(64)) + "..." : self.value
        return "\(self.name): must be an RFC 3339 timestamp or Unix seconds from 0 to \(TimeParameter.latestSeconds) (9999-12-31T23:59:59Z), got \(String(reflecting: shown))"
    }
}
