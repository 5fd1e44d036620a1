/// A sample's value as the exposition writes it: integers as digits without a string, other numbers as
/// ``ExpositionWriter/format(_:)`` spells them.
enum SampleValue {
    case unsigned(UInt64)
    case negative(UInt64)
    case text([UInt8])

    @inline(__always)
    init(_ value: UInt64) {
        self = .unsigned(value)
    }

    init(_ value: Double) {
        if abs(value) < 1e15, let whole = Int64(exactly: value) {
            self = whole < 0 ? .negative(whole.magnitude) : .unsigned(whole.magnitude)
        } else {
            self = .text(Array(ExpositionWriter.format(value).utf8))
        }
    }

    /// The most bytes ``write(_:)`` writes.
    var maximumByteCount: Int {
        switch self {
        case .unsigned, .negative: 21
        case .text(let bytes): bytes.count
        }
    }

    /// Writes the value at `cursor` and moves it past.
    @inline(__always)
    func write(_ cursor: inout UnsafeMutablePointer<UInt8>) {
        switch self {
        case .unsigned(let value):
            Self.writeDecimal(value, &cursor)
        case .negative(let value):
            cursor.put(UInt8(ascii: "-"))
            Self.writeDecimal(value, &cursor)
        case .text(let bytes):
            bytes.withUnsafeBufferPointer { cursor.copy($0) }
        }
    }

    @inline(__always)
    private static func writeDecimal(_ value: UInt64, _ cursor: inout UnsafeMutablePointer<UInt8>) {
        if value < 10 {
            cursor.put(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        var digits = 0
        var remaining = value
        while remaining > 0 {
            digits += 1
            remaining /= 10
        }
        remaining = value
        var position = digits
        while position > 0 {
            position -= 1
            cursor[position] = UInt8(ascii: "0") &+ UInt8(remaining % 10)
            remaining /= 10
        }
        cursor += digits
    }
}
