import FunnelCore
/// How a piece of screen text looks: colour and emphasis, written as ANSI SGR codes when colour is on.
public struct TextStyle: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public static let bold = TextStyle(rawValue: 1 << 0)
    public static let dim = TextStyle(rawValue: 1 << 1)
    public static let reverse = TextStyle(rawValue: 1 << 2)
    public static let red = TextStyle(rawValue: 1 << 3)
    public static let yellow = TextStyle(rawValue: 1 << 4)
    public static let green = TextStyle(rawValue: 1 << 5)
    public static let cyan = TextStyle(rawValue: 1 << 6)

    /// The SGR parameters, e.g. `1;31` for bold red; empty for plain text.
    public var sgrParameters: String {
        var codes: [String] = []
        if self.contains(.bold) { codes.append("1") }
        if self.contains(.dim) { codes.append("2") }
        if self.contains(.reverse) { codes.append("7") }
        if self.contains(.red) { codes.append("31") }
        if self.contains(.green) { codes.append("32") }
        if self.contains(.yellow) { codes.append("33") }
        if self.contains(.cyan) { codes.append("36") }
        return codes.joined(separator: ";")
    }
}
