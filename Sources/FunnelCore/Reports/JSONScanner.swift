/// A forward-only reader of JSON tokens over raw bytes, for parsing report bodies without building a document tree.
///
/// Every failure is a ``ReportRejection`` that says what was expected and at which byte.
struct JSONScanner: ~Copyable {
    /// The kinds of JSON value, named as error messages name them.
    enum ValueKind: String {
        case object = "an object"
        case array = "an array"
        case string = "a string"
        case number = "a number"
        case boolean = "a boolean"
        case null = "null"
    }

    /// A number token: its bytes, and its integer value when it is written as an integer that fits in Int64.
    struct NumberToken {
        /// The token as written, a view into the body.
        var bytes: UnsafeRawBufferPointer
        var integer: Int64?
        var double: Double

        /// The token as written, for error messages.
        var text: String { String(decoding: self.bytes, as: UTF8.self) }

        /// The token as written, cut to 40 characters for error messages (a number may be megabytes long).
        var shown: String {
            self.bytes.count <= 40 ? self.text : String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[0..<40]), as: UTF8.self) + "..."
        }

        /// Whether the mantissa as written is zero (`0`, `0.000`, `0e5`): a zero value that is not an underflow.
        var isZeroAsWritten: Bool {
            for byte in self.bytes {
                if byte | 0x20 == UInt8(ascii: "e") { break }
                if byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") { return false }
            }
            return true
        }
    }

    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { self.position >= self.bytes.count }

    func malformed(_ expectation: String) -> ReportRejection {
        if self.isAtEnd {
            return ReportRejection(.malformedJSON, "malformed JSON: \(expectation), but the body ended at byte \(self.position)")
        }
        let byte = self.bytes[self.position]
        let shown = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        return ReportRejection(.malformedJSON, "malformed JSON at byte \(self.position): \(expectation), got \(shown)")
    }

    mutating func skipWhitespace() {
        while self.position < self.bytes.count {
            switch self.bytes[self.position] {
            case 0x20, 0x0A, 0x0D, 0x09: self.position += 1
            default: return
            }
        }
    }

    /// The next non-whitespace byte, without consuming it.
    mutating func peek() -> UInt8? {
        self.skipWhitespace()
        return self.isAtEnd ? nil : self.bytes[self.position]
    }

    /// Consumes `byte` if it is next, returning whether it was.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard self.peek() == byte else { return false }
        self.position += 1
        return true
    }

    mutating func expect(_ byte: UInt8, _ expectation: @autoclosure () -> String) throws(ReportRejection) {
        guard self.consume(byte) else { throw self.malformed(expectation()) }
    }

    /// The kind of the next value, judged from its first byte, or a malformed-JSON rejection.
    mutating func nextValueKind() throws(ReportRejection) -> ValueKind {
        guard let byte = self.peek() else { throw self.malformed("expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .boolean
        case UInt8(ascii: "n"): return .null
        default: throw self.malformed("expected a value")
        }
    }

    // MARK: Strings

    /// Reads a string token that needs no decoding and returns the range of its bytes.
    ///
    /// Returns nil, with the scanner back where it was, when the string has an escape, a control character or no
    /// end: ``readString()`` then decodes it or says what is wrong.
    mutating func readPlainString() throws(ReportRejection) -> Range<Int>? {
        self.skipWhitespace()
        let mark = self.position
        try self.expect(UInt8(ascii: "\""), "expected a string")
        let start = self.position
        self.skipPlainBytes()
        if self.position < self.bytes.count, self.bytes[self.position] == UInt8(ascii: "\"") {
            self.position += 1
            return start..<(self.position - 1)
        }
        self.position = mark
        return nil
    }

    /// Moves past bytes that may stand in a string as they are, eight at a time, stopping at a quote, a backslash,
    /// a control character or the end.
    @inline(__always)
    private mutating func skipPlainBytes() {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while self.position + 8 <= self.bytes.count {
            let word = UInt64(littleEndian: self.bytes.loadUnaligned(fromByteOffset: self.position, as: UInt64.self))
            let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
            let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
            // A byte is flagged when it is zero after the XOR (quote, backslash) or below 0x20; the lowest flag is exact.
            let flags = ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes | (word &- ones &* 0x20) & ~word) & highs
            if flags != 0 {
                self.position += flags.trailingZeroBitCount / 8
                return
            }
            self.position += 8
        }
        while self.position < self.bytes.count {
            let byte = self.bytes[self.position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return }
            self.position += 1
        }
    }

    /// The body's bytes in `range`.
    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self.bytes[range])
    }

    /// Reads a string token, decoding escapes and rejecting invalid UTF-8 and raw control characters.
    mutating func readString() throws(ReportRejection) -> String {
        try self.expect(UInt8(ascii: "\""), "expected a string")
        let start = self.position
        // Fast path: no escapes.
        while self.position < self.bytes.count {
            let byte = self.bytes[self.position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.position])
                self.position += 1
                guard let text = String(validating: slice, as: UTF8.self) else {
                    throw ReportRejection(.malformedJSON, "malformed JSON: string at byte \(start - 1) is not valid UTF-8")
                }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw self.malformed("control characters must be escaped in strings") }
            self.position += 1
        }
        var decoded = [UInt8](UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.position]))
        while self.position < self.bytes.count {
            let byte = self.bytes[self.position]
            self.position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: decoded, as: UTF8.self) else {
                    throw ReportRejection(.malformedJSON, "malformed JSON: string at byte \(start - 1) is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                try self.readEscape(into: &decoded)
            case ..<0x20:
                self.position -= 1
                throw self.malformed("control characters must be escaped in strings")
            default:
                decoded.append(byte)
            }
        }
        throw self.malformed("unterminated string")
    }

    private mutating func readEscape(into decoded: inout [UInt8]) throws(ReportRejection) {
        guard !self.isAtEnd else { throw self.malformed("unterminated escape") }
        let byte = self.bytes[self.position]
        self.position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try self.readHexQuad()
            if (0xD800..<0xDC00).contains(scalar) {
                guard self.position + 1 < self.bytes.count, self.bytes[self.position] == UInt8(ascii: "\\"),
                    self.bytes[self.position + 1] == UInt8(ascii: "u")
                else { throw self.malformed("expected a low surrogate escape after a high surrogate") }
                self.position += 2
                let low = try self.readHexQuad()
                guard (0xDC00..<0xE000).contains(low) else { throw self.malformed("expected a low surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw self.malformed("unpaired low surrogate")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw self.malformed("invalid unicode escape") }
            decoded.append(contentsOf: String(Character(unicode)).utf8)
        default:
            self.position -= 1
            throw self.malformed("invalid escape")
        }
    }

    private mutating func readHexQuad() throws(ReportRejection) -> UInt32 {
        guard self.position + 4 <= self.bytes.count else { throw self.malformed("expected 4 hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw self.malformed("expected a hex digit")
            }
            value = value << 4 | UInt32(digit)
            self.position += 1
        }
        return value
    }

    // MARK: Numbers and literals

    /// Reads a number token following the JSON grammar.
    ///
    /// Integers and decimals of up to 15 significant digits are converted exactly without building a string
    /// (a power of ten up to 10^22 and a mantissa below 2^53 are both exact doubles, so one multiplication or division
    /// rounds correctly); anything longer goes through the standard library's conversion.
    mutating func readNumber() throws(ReportRejection) -> NumberToken {
        self.skipWhitespace()
        let start = self.position
        var isInteger = true
        var negative = false
        if self.position < self.bytes.count, self.bytes[self.position] == UInt8(ascii: "-") {
            negative = true
            self.position += 1
        }
        let integerStart = self.position
        var mantissa: UInt64 = 0
        var digitCount = 0
        var fractionDigits = 0
        try self.readDigits(into: &mantissa, count: &digitCount)
        if self.bytes[integerStart] == UInt8(ascii: "0"), self.position - integerStart > 1 {
            self.position = integerStart + 1
            throw self.malformed("leading zeros are not allowed in numbers")
        }
        if self.position < self.bytes.count, self.bytes[self.position] == UInt8(ascii: ".") {
            isInteger = false
            self.position += 1
            let before = self.position
            try self.readDigits(into: &mantissa, count: &digitCount)
            fractionDigits = self.position - before
        }
        var exponent = 0
        var exponentIsSmall = true
        if self.position < self.bytes.count, self.bytes[self.position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            self.position += 1
            var exponentNegative = false
            if self.position < self.bytes.count, self.bytes[self.position] == UInt8(ascii: "+") || self.bytes[self.position] == UInt8(ascii: "-") {
                exponentNegative = self.bytes[self.position] == UInt8(ascii: "-")
                self.position += 1
            }
            var magnitude: UInt64 = 0
            var exponentDigits = 0
            try self.readDigits(into: &magnitude, count: &exponentDigits)
            // Past four digits `magnitude` may have wrapped: such an exponent is left to the standard library.
            exponentIsSmall = exponentDigits <= 4
            if exponentIsSmall { exponent = exponentNegative ? -Int(magnitude) : Int(magnitude) }
        }
        try self.expectNumberEnd(from: start)
        let token = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.position])
        if isInteger, digitCount <= 19 {
            let integer: Int64? = negative ? (mantissa <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- mantissa) : nil) : Int64(exactly: mantissa)
            if let integer { return NumberToken(bytes: token, integer: integer, double: Double(integer)) }
        }
        let scale = exponent - fractionDigits
        if digitCount <= 19, mantissa < 1 << 53, exponentIsSmall, (-22...22).contains(scale) {
            let value = Double(mantissa)
            let scaled = scale < 0 ? value / Self.powersOfTen[-scale] : value * Self.powersOfTen[scale]
            return NumberToken(bytes: token, integer: nil, double: negative ? -scaled : scaled)
        }
        let text = String(decoding: token, as: UTF8.self)
        return NumberToken(bytes: token, integer: isInteger ? Int64(text) : nil, double: Double(text) ?? .nan)
    }

    /// Refuses a number that runs on into letters, digits or a dot (`0x10`, `1.2.3`, `12abc`), which JSON does not
    /// allow and which would otherwise be read as the number before it.
    private mutating func expectNumberEnd(from start: Int) throws(ReportRejection) {
        guard self.position < self.bytes.count else { return }
        let byte = self.bytes[self.position]
        let isWordByte = byte == UInt8(ascii: ".") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte >= 0x80
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
        guard isWordByte else { return }
        var end = self.position
        while end < self.bytes.count, end - start < 40 {
            let next = self.bytes[end]
            guard next > 0x20, next != UInt8(ascii: ","), next != UInt8(ascii: "}"), next != UInt8(ascii: "]") else { break }
            end += 1
        }
        let shown = String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[start..<end]), as: UTF8.self)
        throw ReportRejection(
            .malformedJSON,
            "malformed JSON at byte \(start): \(String(reflecting: shown)) is not a JSON number (decimal digits only: no hex, octal, leading '+' or trailing letters)"
        )
    }

    /// 10^0 through 10^22, every one an exact double.
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }

    /// Reads one or more digits, adding them to `value` (which stops being meaningful past 19 digits) and `count`.
    private mutating func readDigits(into value: inout UInt64, count: inout Int) throws(ReportRejection) {
        let start = self.position
        while self.position < self.bytes.count {
            let digit = self.bytes[self.position] &- UInt8(ascii: "0")
            guard digit <= 9 else { break }
            value = value &* 10 &+ UInt64(digit)
            self.position += 1
        }
        guard self.position > start else { throw self.malformed("expected a digit") }
        count += self.position - start
    }

    /// Reads `true`, `false` or `null`.
    mutating func readLiteral() throws(ReportRejection) -> Bool? {
        self.skipWhitespace()
        if self.consumeWord("true") { return true }
        if self.consumeWord("false") { return false }
        if self.consumeWord("null") { return nil }
        throw self.malformed("expected a value")
    }

    private mutating func consumeWord(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard self.position + count <= self.bytes.count else { return false }
        let matches = word.withUTF8Buffer { word in
            zip(word, self.bytes[self.position..<self.position + count]).allSatisfy { $0 == $1 }
        }
        if matches { self.position += count }
        return matches
    }
}
