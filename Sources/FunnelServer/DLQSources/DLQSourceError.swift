/// Why a poll of a DLQ source failed, in words an operator can act on (never containing a secret).
public struct DLQSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// True when the source did not answer in time (counted as `timeout`, not `error`).
    public var timedOut: Bool

    public init(_ message: String, timedOut: Bool = false) {
        self.message = message
        self.timedOut = timedOut
    }

    public var description: String { self.message }
}
