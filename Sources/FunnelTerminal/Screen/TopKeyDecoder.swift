import FunnelCore
/// Turns the bytes a terminal in raw mode sends into ``TopKey``s, including escape sequences and UTF-8 characters
/// split across reads.
public struct TopKeyDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// The keys in `bytes`; an incomplete sequence at the end waits for the next call or ``flush()``.
    public mutating func decode(_ bytes: [UInt8]) -> [TopKey] {
        self.pending += bytes
        var keys: [TopKey] = []
        var index = 0
        let input = self.pending
        while index < input.count {
            let byte = input[index]
            if byte == 0x1B {
                guard index + 1 < input.count else { break }
                let next = input[index + 1]
                if next == UInt8(ascii: "[") || next == UInt8(ascii: "O") {
                    // CSI or SS3: parameters, then one final byte in 0x40...0x7E.
                    var end = index + 2
                    while end < input.count, !(0x40...0x7E).contains(input[end]) { end += 1 }
                    guard end < input.count else { break }
                    keys.append(Self.sequence(final: input[end], parameters: Array(input[(index + 2)..<end])))
                    index = end + 1
                } else {
                    keys.append(.escape)
                    index += 1
                }
                continue
            }
            let length = Self.utf8Length(lead: byte)
            if length > 1 {
                guard index + length <= input.count else { break }
                let scalar = String(decoding: input[index..<(index + length)], as: UTF8.self)
                keys.append(scalar.count == 1 && scalar != "\u{FFFD}" ? .character(Character(scalar)) : .other)
                index += length
                continue
            }
            keys.append(Self.key(byte))
            index += 1
        }
        self.pending = Array(input[index...])
        return keys
    }

    /// Keys held back waiting for the rest of a sequence: a lone Esc is Esc.
    public mutating func flush() -> [TopKey] {
        defer { self.pending = [] }
        return self.pending == [0x1B] ? [.escape] : []
    }

    static func utf8Length(lead: UInt8) -> Int {
        switch lead {
        case 0xC2...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF4: 4
        default: 1
        }
    }

    static func key(_ byte: UInt8) -> TopKey {
        switch byte {
        case 0x03, 0x04: .interrupt
        case 0x09: .tab
        case 0x0A, 0x0D: .enter
        case 0x08, 0x7F: .backspace
        case 0x20...0x7E: .character(Character(Unicode.Scalar(byte)))
        default: .other
        }
    }

    static func sequence(final: UInt8, parameters: [UInt8]) -> TopKey {
        switch final {
        case UInt8(ascii: "A"): .up
        case UInt8(ascii: "B"): .down
        case UInt8(ascii: "C"): .right
        case UInt8(ascii: "D"): .left
        case UInt8(ascii: "H"): .home
        case UInt8(ascii: "F"): .end
        case UInt8(ascii: "Z"): .backTab
        case UInt8(ascii: "~"):
            switch String(decoding: parameters, as: UTF8.self) {
            case "1", "7": .home
            case "4", "8": .end
            case "5": .pageUp
            case "6": .pageDown
            default: .other
            }
        default: .other
        }
    }
}
