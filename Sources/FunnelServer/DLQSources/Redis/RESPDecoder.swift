/// Decodes RESP2 values from bytes as they arrive: returns nil until a whole value is buffered.
///
/// Pure and incremental: feed it with ``append(_:)`` and call ``next()`` until it returns nil. Limits keep a hostile
/// or broken server from making it allocate without bound.
public struct RESPDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var consumed = 0
    /// Largest bulk string accepted, in bytes.
    public let maximumBulkBytes: Int
    /// Most elements accepted in one array, and deepest nesting.
    public let maximumArrayCount: Int
    public let maximumDepth: Int

    public init(maximumBulkBytes: Int = 1 << 20, maximumArrayCount: Int = 1 << 16, maximumDepth: Int = 16) {
        self.maximumBulkBytes = maximumBulkBytes
        self.maximumArrayCount = maximumArrayCount
        self.maximumDepth = maximumDepth
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        self.buffer.append(contentsOf: bytes)
    }

    /// The next complete value, nil when more bytes are needed; throws when the bytes are not RESP.
    public mutating func next() throws(RESPDecodingError) -> RESPValue? {
        var index = self.consumed
        guard let value = try self.value(at: &index, depth: 0) else { return nil }
        self.consumed = index
        if self.consumed > 4096, self.consumed * 2 > self.buffer.count {
            self.buffer.removeFirst(self.consumed)
            self.consumed = 0
        }
        return value
    }

    private func value(at index: inout Int, depth: Int) throws(RESPDecodingError) -> RESPValue? {
        guard index < self.buffer.count else { return nil }
        let start = index
        let type = self.buffer[index]
        guard let line = self.line(after: index) else {
            // A line that never ends is refused once it is clearly too long.
            if self.buffer.count - index > 64 * 1024 { throw RESPDecodingError(offset: start, "line longer than 64 KiB without CRLF") }
            return nil
        }
        let text = String(decoding: self.buffer[(index + 1)..<line], as: UTF8.self)
        var next = line + 2
        let result: RESPValue
        switch type {
        case UInt8(ascii: "+"):
            result = .simpleString(text)
        case UInt8(ascii: "-"):
            result = .error(text)
        case UInt8(ascii: ":"):
            guard let value = Int64(text) else { throw RESPDecodingError(offset: start, "integer expected, got \(String(reflecting: text))") }
            result = .integer(value)
        case UInt8(ascii: "$"):
            guard let length = Int(text), length >= -1 else { throw RESPDecodingError(offset: start, "bulk length expected, got \(String(reflecting: text))") }
            if length == -1 {
                result = .bulkString(nil)
                break
            }
            guard length <= self.maximumBulkBytes else {
                throw RESPDecodingError(offset: start, "bulk string of \(length) bytes exceeds the limit of \(self.maximumBulkBytes)")
            }
            guard self.buffer.count >= next + length + 2 else { return nil }
            guard self.buffer[next + length] == 13, self.buffer[next + length + 1] == 10 else {
                throw RESPDecodingError(offset: next + length, "bulk string of \(length) bytes is not followed by CRLF")
            }
            result = .bulkString(Array(self.buffer[next..<(next + length)]))
            next += length + 2
        case UInt8(ascii: "*"):
            guard let count = Int(text), count >= -1 else { throw RESPDecodingError(offset: start, "array length expected, got \(String(reflecting: text))") }
            if count == -1 {
                result = .array(nil)
                break
            }
            guard count <= self.maximumArrayCount else {
                throw RESPDecodingError(offset: start, "array of \(count) elements exceeds the limit of \(self.maximumArrayCount)")
            }
            guard depth < self.maximumDepth else { throw RESPDecodingError(offset: start, "arrays nested deeper than \(self.maximumDepth)") }
            var elements: [RESPValue] = []
            elements.reserveCapacity(min(count, 1024))
            for _ in 0..<count {
                guard let element = try self.value(at: &next, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            result = .array(elements)
        default:
            throw RESPDecodingError(offset: start, "unknown type byte \(type) (\(String(reflecting: String(decoding: [type], as: UTF8.self))))")
        }
        index = next
        return result
    }

    /// The index of the CR of the CRLF ending the line that starts at `start`, nil if it has not arrived.
    private func line(after start: Int) -> Int? {
        var index = start + 1
        while index + 1 < self.buffer.count {
            if self.buffer[index] == 13 && self.buffer[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }
}
