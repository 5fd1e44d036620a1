import FunnelCore

/// Padding and clipping of cell text.
extension TopScreen {
    static func padded(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        if text.count > width { return String(text.prefix(max(0, width - 1))) + "…" }
        return text + String(repeating: " ", count: width - text.count)
    }

    /// `text` cut to `width` cells with an ellipsis when longer.
    static func clipped(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        return text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    static func leftPadded(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        if text.count >= width { return String(text.suffix(width)) }
        return String(repeating: " ", count: width - text.count) + text
    }
}
