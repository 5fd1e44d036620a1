import FunnelCore
/// Bars and sparklines drawn with Unicode block characters.
public enum BlockGraphics {
    /// Left-aligned eighth blocks, from one eighth to a full cell.
    static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
    /// Bottom-aligned eighth blocks for sparklines, lowest first.
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// A bar `value / scale` of `width` cells long, with eighth-cell precision; empty cells are not included.
    public static func bar(_ value: Double, scale: Double, width: Int) -> String {
        guard width > 0, scale > 0, value > 0, value.isFinite, scale.isFinite else { return "" }
        let eighthsTotal = Int(rounding: min(value, scale) / scale * Double(width * 8)) ?? 0
        let full = eighthsTotal / 8
        let remainder = eighthsTotal % 8
        var text = String(repeating: "█", count: full)
        if remainder > 0 { text.append(Self.eighths[remainder - 1]) }
        if text.isEmpty { text = "▏" }
        return text
    }

    /// A funnel bar: `passed` in solid blocks and the rest of `received` shaded, scaled so `scale` fills `width`.
    ///
    /// Returns the solid part and the shaded part; together at most `width` cells.
    public static func funnelBar(received: UInt64, passed: UInt64, scale: UInt64, width: Int) -> (passed: String, rest: String) {
        guard width > 0, scale > 0, received > 0 else { return ("", "") }
        let solid = Self.bar(Double(min(passed, received)), scale: Double(scale), width: width)
        let receivedCells = Int(rounding: min(Double(width), Double(received) / Double(scale) * Double(width)), .up) ?? width
        let restCells = max(0, min(width, receivedCells) - solid.count)
        return (solid, String(repeating: "░", count: restCells))
    }

    /// A sparkline of the last `width` values, scaled from zero to the largest of them.
    public static func sparkline(_ values: [Double], width: Int) -> String {
        guard width > 0 else { return "" }
        let shown = values.suffix(width)
        let top = shown.max() ?? 0
        return String(shown.map { value -> Character in
            guard top > 0, value > 0, value.isFinite else { return Self.levels[0] }
            let index = Int(rounding: value / top * Double(Self.levels.count - 1)) ?? 0
            return Self.levels[min(Self.levels.count - 1, max(0, index))]
        })
    }
}
