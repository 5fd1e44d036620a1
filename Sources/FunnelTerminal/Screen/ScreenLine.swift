import FunnelCore
/// One line of the screen as styled spans, measured in cells and cut to the terminal's width.
public struct ScreenLine: Sendable, Hashable {
    public private(set) var spans: [ScreenSpan] = []

    public init() {}

    public init(_ text: String, _ style: TextStyle = []) {
        self.append(text, style)
    }

    /// Cells the line takes.
    public var width: Int { self.spans.reduce(0) { $0 + $1.width } }

    /// The text without styles.
    public var plainText: String { self.spans.map(\.text).joined() }

    /// Appends `text` in `style`, merging with the last span when the style is the same.
    public mutating func append(_ text: String, _ style: TextStyle = []) {
        guard !text.isEmpty else { return }
        if let last = self.spans.last, last.style == style {
            self.spans[self.spans.count - 1].text += text
        } else {
            self.spans.append(ScreenSpan(text, style))
        }
    }

    /// Appends every span of `line`.
    public mutating func append(_ line: ScreenLine) {
        for span in line.spans { self.append(span.text, span.style) }
    }

    /// Adds spaces until the line is `width` cells wide.
    public mutating func pad(to width: Int) {
        if self.width < width { self.append(String(repeating: " ", count: width - self.width)) }
    }

    /// Appends `text` right-aligned so the line ends at cell `column`; at least one space separates it.
    public mutating func appendRightAligned(_ line: ScreenLine, endingAt column: Int) {
        self.pad(to: max(self.width + 1, column - line.width))
        self.append(line)
    }

    /// The first `width` cells of the line.
    public func truncated(to width: Int) -> ScreenLine {
        var result = ScreenLine()
        var room = max(0, width)
        for span in self.spans where room > 0 {
            let text = span.width <= room ? span.text : String(span.text.prefix(room))
            result.append(text, span.style)
            room -= text.count
        }
        return result
    }

    /// The line as terminal text: cut to `width` cells, with ANSI colour codes when `color` is true.
    ///
    /// Trailing spaces are dropped so golden files stay clean; the terminal writer clears to the end of the line.
    public func rendered(width: Int, color: Bool) -> String {
        var text = ""
        let spans = self.truncated(to: width).spans
        for (index, span) in spans.enumerated() {
            var piece = span.text
            if index == spans.count - 1, span.style.isDisjoint(with: [.reverse]) {
                while piece.last == " " { piece.removeLast() }
            }
            guard !piece.isEmpty else { continue }
            let codes = span.style.sgrParameters
            if color, !codes.isEmpty {
                text += "\u{1B}[\(codes)m\(piece)\u{1B}[0m"
            } else {
                text += piece
            }
        }
        if !color {
            while text.last == " " { text.removeLast() }
        }
        return text
    }
}
