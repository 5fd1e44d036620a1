/// One value of the Redis serialization protocol (RESP2), as a reply or a command.
public enum RESPValue: Sendable, Hashable {
    /// `+OK`
    case simpleString(String)
    /// `-ERR message`
    case error(String)
    /// `:42`
    case integer(Int64)
    /// `$5\r\nhello`; nil is the null bulk string `$-1`.
    case bulkString([UInt8]?)
    /// `*2\r\n...`; nil is the null array `*-1`.
    case array([RESPValue]?)

    /// The bytes of a command: an array of bulk strings, the form Redis expects from clients.
    public static func command(_ parts: [String]) -> [UInt8] {
        RESPValue.array(parts.map { .bulkString(Array($0.utf8)) }).encoded()
    }

    /// The value's wire form.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        self.encode(into: &bytes)
        return bytes
    }

    /// Appends the value's wire form to `bytes`.
    public func encode(into bytes: inout [UInt8]) {
        switch self {
        case .simpleString(let text):
            bytes.append(UInt8(ascii: "+"))
            bytes += text.utf8
        case .error(let text):
            bytes.append(UInt8(ascii: "-"))
            bytes += text.utf8
        case .integer(let value):
            bytes.append(UInt8(ascii: ":"))
            bytes += String(value).utf8
        case .bulkString(nil):
            bytes += "$-1".utf8
        case .bulkString(let payload?):
            bytes.append(UInt8(ascii: "$"))
            bytes += String(payload.count).utf8
            bytes += [13, 10]
            bytes += payload
        case .array(nil):
            bytes += "*-1".utf8
        case .array(let elements?):
            bytes.append(UInt8(ascii: "*"))
            bytes += String(elements.count).utf8
            bytes += [13, 10]
            for element in elements { element.encode(into: &bytes) }
            return
        }
        bytes += [13, 10]
    }

    /// A short human form for error messages: `integer 3`, `error WRONGTYPE ...`.
    public var shown: String {
        switch self {
        case .simpleString(let text): "simple string \(String(reflecting: text))"
        case .error(let text): "error \(text)"
        case .integer(let value): "integer \(value)"
        case .bulkString(nil): "null"
        case .bulkString(let payload?): "bulk string of \(payload.count) bytes"
        case .array(nil): "null array"
        case .array(let elements?): "array of \(elements.count)"
        }
    }
}
