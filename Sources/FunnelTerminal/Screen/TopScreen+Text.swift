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

    /// `text` padded to `width` cells, or cut in the middle when longer, so names alike at both ends stay apart:
    /// `tenant-07-order-fu…pipeline-us-east-2`.
    static func middleClipped(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        guard text.count > width else { return text + String(repeating: " ", count: width - text.count) }
        guard width > 2 else { return String(text.prefix(width - 1)) + "…" }
        let tail = (width - 1) / 2
        return String(text.prefix(width - 1 - tail)) + "…" + String(text.suffix(tail))
    }

    /// `line` cut to `width` cells, its last cell an ellipsis when it was longer.
    static func clipped(_ line: ScreenLine, _ width: Int) -> ScreenLine {
        guard line.width > width else { return line }
        guard width > 0 else { return ScreenLine() }
        var result = line.truncated(to: width - 1)
        result.append("…", line.spans.last?.style ?? [])
        return result
    }

    static func leftPadded(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        if text.count >= width { return String(text.suffix(width)) }
        return String(repeating: " ", count: width - text.count) + text
    }
}
