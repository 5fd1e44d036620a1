import Foundation

/// A run of bytes of a StatsD line being parsed: a view without a copy, with the few operations the parser needs.
///
/// Indices are offsets into the whole line, so a span and the spans cut from it share one coordinate system.
struct ByteSpan {
    let base: UnsafeRawBufferPointer
    private(set) var range: Range<Int>
    /// Set once the last field was taken by ``popField(separator:)``: a trailing separator still leaves one, empty.
    private var exhausted = false

    init(_ base: UnsafeRawBufferPointer, _ range: Range<Int>) {
        self.base = base
        self.range = range
    }

    var isEmpty: Bool { self.range.isEmpty }
    var first: UInt8? { self.range.isEmpty ? nil : self.base[self.range.lowerBound] }

    /// The offset of the first `byte`, or nil (`memchr`: the C library compares many bytes at a time).
    func firstIndex(of byte: UInt8) -> Int? {
        guard !self.range.isEmpty, let base = self.base.baseAddress else { return nil }
        guard let found = memchr(base + self.range.lowerBound, Int32(byte), self.range.count) else { return nil }
        return UnsafeRawPointer(found) - base
    }

    func prefix(upTo index: Int) -> ByteSpan { ByteSpan(self.base, self.range.lowerBound..<index) }
    func suffix(from index: Int) -> ByteSpan { ByteSpan(self.base, index..<self.range.upperBound) }
    func dropFirst() -> ByteSpan { self.isEmpty ? self : self.suffix(from: self.range.lowerBound + 1) }

    /// Takes the bytes up to the next `separator` (or the end) and moves past the separator.
    mutating func popField(separator: UInt8) -> ByteSpan {
        guard let end = self.firstIndex(of: separator) else {
            let field = self
            self.range = self.range.upperBound..<self.range.upperBound
            self.exhausted = true
            return ByteSpan(self.base, field.range)
        }
        let field = self.prefix(upTo: end)
        self.range = (end + 1)..<self.range.upperBound
        return field
    }

    /// Like ``popField(separator:)``, or nil once every field was taken (as `split` with empty fields kept).
    mutating func popFieldIfAny(separator: UInt8) -> ByteSpan? {
        self.exhausted ? nil : self.popField(separator: separator)
    }

    /// Whether the bytes are exactly `text`'s UTF-8.
    func equals(_ text: String) -> Bool {
        text.utf8.count == self.range.count && self.hasPrefix(text)
    }

    /// Whether the bytes start with `text`'s UTF-8.
    func hasPrefix(_ text: String) -> Bool {
        guard text.utf8.count <= self.range.count else { return false }
        var index = self.range.lowerBound
        for byte in text.utf8 {
            guard self.base[index] == byte else { return false }
            index += 1
        }
        return true
    }

    /// The bytes, without a copy.
    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: self.base[self.range]) }
    var string: String { String(decoding: self.buffer, as: UTF8.self) }

    /// The bytes as `Int64(String)` reads them; up to 18 plain digits without a string.
    var wholeNumber: Int64? {
        guard !self.range.isEmpty, self.range.count <= 18 else { return Int64(self.string) }
        var value: Int64 = 0
        for index in self.range {
            let digit = self.base[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { return Int64(self.string) }
            value = value * 10 + Int64(digit)
        }
        return value
    }

    /// The bytes as a number the way `Double(String)` reads it; plain decimals of up to 15 digits without a string.
    var double: Double? {
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        var index = self.range.lowerBound
        while index < self.range.upperBound {
            let byte = self.base[index]
            if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else if byte &- UInt8(ascii: "0") <= 9 {
                mantissa = mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
                digits += 1
                if seenPoint { fractionDigits += 1 }
            } else {
                return Double(self.string)
            }
            index += 1
        }
        // "5." and ".5" are left to the standard library, which decides what it accepts.
        guard digits > 0, digits <= 15, !(seenPoint && (fractionDigits == 0 || fractionDigits == digits && self.first == UInt8(ascii: "."))) else {
            return Double(self.string)
        }
        return fractionDigits == 0 ? Double(mantissa) : Double(mantissa) / Self.powersOfTen[fractionDigits]
    }

    private static let powersOfTen: [Double] = (0...15).map { exponent in (0..<exponent).reduce(1.0) { value, _ in value * 10 } }
}
