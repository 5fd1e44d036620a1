/// Why a poll of a DLQ source failed, in words an operator can act on (never containing a secret).
public struct DLQSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { self.message }
}
