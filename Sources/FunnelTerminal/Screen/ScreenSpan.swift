import FunnelCore
/// A run of text in one ``TextStyle``.
public struct ScreenSpan: Sendable, Hashable {
    public var text: String
    public var style: TextStyle

    public init(_ text: String, _ style: TextStyle = []) {
        self.text = text
        self.style = style
    }

    /// Cells the text takes; every character Funnel draws is one cell wide.
    public var width: Int { self.text.count }
}
