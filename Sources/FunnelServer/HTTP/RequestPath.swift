/// A request path in its one canonical spelling, so that access control and routing decide on the same thing.
///
/// Percent escapes are decoded (`%2F` becomes a separator), empty and `.` segments are dropped, `..` removes the
/// segment before it (never above the root) and a trailing `/` is dropped: `//v1/./x/../reports/` and
/// `/v1%2Freports` are both `/v1/reports`. A path that cannot be decoded is refused with a ``RequestPathError``.
struct RequestPath: Sendable, Hashable {
    /// The decoded segments, none empty, `.` or `..`.
    let segments: [String]

    /// Normalises `raw`, the path part of a request target (without its query).
    init(_ raw: Substring) throws(RequestPathError) {
        let decoded = try Self.percentDecoded(raw)
        var segments: [String] = []
        for segment in decoded.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            switch segment.count {
            case 1 where segment.first == UInt8(ascii: "."):
                continue
            case 2 where segment.allSatisfy({ $0 == UInt8(ascii: ".") }):
                _ = segments.popLast()
            default:
                guard let text = String(validating: segment, as: UTF8.self) else {
                    throw RequestPathError(path: String(raw), problem: "is not UTF-8 once percent escapes are decoded")
                }
                segments.append(text)
            }
        }
        self.segments = segments
    }

    /// The decoded path, e.g. `/v1/reports`; `/` for the root.
    var decoded: String { "/" + self.segments.joined(separator: "/") }

    /// The path re-encoded for the router: each segment with every byte outside the unreserved set escaped, so that
    /// a decoded `?`, `#`, `%` or space cannot change how the target is read again.
    var encoded: String {
        "/" + self.segments.map(Self.percentEncoded).joined(separator: "/")
    }

    /// Splits a request target into its normalised path and its query (with the `?`, or empty), unchanged.
    static func canonicalTarget(_ target: String) throws(RequestPathError) -> String {
        let query = target.firstIndex(of: "?")
        let path = try RequestPath(target[..<(query ?? target.endIndex)])
        return path.encoded + (query.map { String(target[$0...]) } ?? "")
    }

    private static func percentDecoded(_ raw: Substring) throws(RequestPathError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        var iterator = raw.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else {
                throw RequestPathError(path: String(raw), problem: "has a % that is not followed by two hex digits")
            }
            let value = high << 4 | low
            guard value != 0 else { throw RequestPathError(path: String(raw), problem: "contains an encoded NUL (%00)") }
            bytes.append(value)
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func percentEncoded(_ segment: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A request path that cannot be read: a broken percent escape, an encoded NUL, or bytes that are not UTF-8.
struct RequestPathError: Error, CustomStringConvertible {
    /// The path as the client sent it.
    let path: String
    let problem: String

    var description: String { "path \(String(reflecting: self.path)) \(self.problem)" }
}
