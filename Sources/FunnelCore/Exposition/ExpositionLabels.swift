/// A label set rendered once as `name="value",...` (no braces), so the many samples of one series reuse its bytes.
public struct ExpositionLabels: Sendable, Hashable {
    /// The rendered pairs, escaped, without the surrounding braces.
    public private(set) var bytes: [UInt8]

    /// No labels.
    public static let none = ExpositionLabels(bytes: [])

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Wraps pairs already rendered and escaped, such as the inside of a ``ExpositionWriter/labels(_:)`` string.
    init(rendered bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Renders `pairs` in order, escaping each value.
    public init(_ pairs: KeyValuePairs<String, String>) {
        self.bytes = []
        self.bytes.reserveCapacity(pairs.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 4 })
        for (name, value) in pairs { self.append(name, value) }
    }

    /// Whether the set has no labels.
    public var isEmpty: Bool { self.bytes.isEmpty }

    /// This set with one more label after the others.
    public func appending(_ name: String, _ value: String) -> ExpositionLabels {
        var labels = self
        labels.append(name, value)
        return labels
    }

    /// This set followed by the labels of `other`.
    public func appending(_ other: ExpositionLabels) -> ExpositionLabels {
        guard !other.isEmpty else { return self }
        var labels = self
        if !labels.bytes.isEmpty { labels.bytes.append(UInt8(ascii: ",")) }
        labels.bytes.append(contentsOf: other.bytes)
        return labels
    }

    private mutating func append(_ name: String, _ value: String) {
        if !self.bytes.isEmpty { self.bytes.append(UInt8(ascii: ",")) }
        Self.render(name, value, into: &self.bytes)
    }

    /// Appends `name="value"` to `bytes`, escaping the value.
    static func render(_ name: String, _ value: String, into bytes: inout [UInt8]) {
        Self.appendUTF8(of: name, to: &bytes)
        bytes.append(contentsOf: #"=""#.utf8)
        // Names Funnel accepts never need escaping: copy them whole.
        let plain =
            value.utf8.withContiguousStorageIfAvailable { utf8 in
                !utf8.contains { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }
            } ?? !value.utf8.contains { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }
        if plain {
            Self.appendUTF8(of: value, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends a string's UTF-8 in one copy where the string is stored contiguously (native strings are).
    @inline(__always)
    static func appendUTF8(of text: String, to bytes: inout [UInt8]) {
        if text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: text.utf8)
        }
    }
}
