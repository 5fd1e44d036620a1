/// A listener address that is neither `HOST:PORT` nor `""`.
public struct ListenAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text as given.
    public var text: String

    public var description: String {
        "expected HOST:PORT such as 127.0.0.1:8125, or \"\" to disable, got \(String(reflecting: self.text))"
    }
}
