import FunnelCore
/// Turns the bytes a terminal in raw mode sends into ``TopKey``s, including escape sequences split across reads.
public struct TopKeyDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// The keys in `bytes`; an incomplete escape sequence at the end waits for the next call or ``flush()``.
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
            keys.append(Self.key(byte))
            index += 1
        }
        self.pending = Array(input[index...])
        return keys
    }

    /// Keys held back waiting for the rest of an escape sequence: a lone Esc is Esc.
    public mutating func flush() -> [TopKey] {
        defer { self.pending = [] }
        return self.pending == [0x1B] ? [.escape] : []
    }

    static func key(_ byte: UInt8) -> TopKey {
        switch byte {
        case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x03, 0x04: .quit
        case 0x09, UInt8(ascii: "l"), UInt8(ascii: "j"): .nextPipeline
        case UInt8(ascii: "h"), UInt8(ascii: "k"): .previousPipeline
        case UInt8(ascii: "w"), UInt8(ascii: "W"): .cycleWindow
        case UInt8(ascii: "?"): .help
        default: .other
        }
    }

    static func sequence(final: UInt8, parameters: [UInt8]) -> TopKey {
        switch final {
        case UInt8(ascii: "C"), UInt8(ascii: "B"): .nextPipeline
        case UInt8(ascii: "D"), UInt8(ascii: "A"), UInt8(ascii: "Z"): .previousPipeline
        default: .other
        }
    }
}
