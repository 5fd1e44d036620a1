/// A reply that is not valid RESP, with the offset of the offending byte.
public struct RESPDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Offset of the problem from the start of the bytes given to the decoder.
    public var offset: Int
    public var message: String

    public init(offset: Int, _ message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "invalid RESP reply at byte \(self.offset): \(self.message)" }
}
