import FunnelCore
public import Logging

extension LogFormat {
    /// One line, without its newline, for a message logged at `millis` (Unix milliseconds).
    public func render(millis: Int64, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        let time = Self.timestamp(millis)
        let fields = metadata.sorted { $0.key < $1.key }
        switch self {
        case .text:
            var line = "\(time) \(level) \(Self.singleLine(message))"
            for (key, value) in fields { line += " \(Self.logfmtKey(key))=\(Self.logfmtValue(Self.flat(value)))" }
            return line
        case .logfmt:
            var line = "ts=\(time) level=\(level) msg=\(Self.logfmtValue(message))"
            for (key, value) in fields where !Self.reserved.contains(key) {
                line += " \(Self.logfmtKey(key))=\(Self.logfmtValue(Self.flat(value)))"
            }
            return line
        case .json:
            var line = "{\"ts\":\"\(time)\",\"level\":\"\(level)\",\"msg\":\(Self.jsonString(message))"
            for (key, value) in fields where !Self.reserved.contains(key) {
                line += ",\(Self.jsonString(key)):\(Self.json(value))"
            }
            return line + "}"
        }
    }

    /// Field names the line itself uses; metadata of the same name is left out rather than written twice.
    private static let reserved: Set<String> = ["ts", "level", "msg"]

    /// `2026-01-02T03:04:05.678Z`, always with milliseconds.
    static func timestamp(_ millis: Int64) -> String {
        let text = EventTimestamp.formatRFC3339(millis: millis)
        return text.contains(".") ? text : String(text.dropLast()) + ".000Z"
    }

    /// A metadata value as one string: lists and dictionaries in brackets.
    private static func flat(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible): return convertible.description
        case .array(let values): return "[" + values.map(Self.flat).joined(separator: ", ") + "]"
        case .dictionary(let values):
            return "[" + values.sorted { $0.key < $1.key }.map { "\($0.key): \(Self.flat($0.value))" }.joined(separator: ", ") + "]"
        }
    }

    private static func json(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): return Self.jsonString(text)
        case .stringConvertible(let convertible): return Self.jsonString(convertible.description)
        case .array(let values): return "[" + values.map(Self.json).joined(separator: ",") + "]"
        case .dictionary(let values):
            return "{" + values.sorted { $0.key < $1.key }.map { "\(Self.jsonString($0.key)):\(Self.json($0.value))" }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func jsonString(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}":
                let hex = String(scalar.value, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }

    /// A logfmt value: bare when it has no space, quote, `=` or control character, else quoted and escaped.
    static func logfmtValue(_ text: String) -> String {
        let bare = !text.isEmpty && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\"" && $0 != "=" && $0 != "\\" && $0.value != 0x7F }
        return bare ? text : Self.jsonString(text)
    }

    /// A logfmt key: anything but letters, digits, `_`, `.` and `-` becomes `_`.
    static func logfmtKey(_ key: String) -> String {
        let kept = key.unicodeScalars.map { scalar -> Character in
            let allowed = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "_.-".unicodeScalars.contains(scalar)
            return allowed ? Character(scalar) : "_"
        }
        return kept.isEmpty ? "_" : String(kept)
    }

    /// The message on one line: line breaks and other control characters escaped.
    private static func singleLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        return String(Self.jsonString(text).dropFirst().dropLast())
    }
}
