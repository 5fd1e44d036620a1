import FunnelCore
/// How `funnel top` and `funnel status` write numbers: counts, rates, percentages, latencies and ages.
public enum NumberText {
    /// A count in full when it fits `width` cells, else compact (`12.3k`, `4.56M`, `7.8G`).
    public static func count(_ value: UInt64, width: Int = 7) -> String {
        let full = String(value)
        if full.count <= width { return full }
        return Self.compact(Double(value))
    }

    /// `950`, `12.3k`, `4.56M`, `7.80G`, up to `18.4E`: at most about five characters.
    public static func compact(_ value: Double) -> String {
        let units: [(Double, String)] = [(1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        for (size, unit) in units where value >= size {
            let scaled = value / size
            if scaled >= 100 { return "\(Int(rounding: scaled, .down) ?? .max)\(unit)" }
            return Self.fixed(scaled, digits: scaled >= 10 ? 1 : 2) + unit
        }
        if let whole = Int(exactly: value) { return String(whole) }
        return Self.fixed(value, digits: 1)
    }

    /// A rate per second: `0`, `0.4`, `12.5`, `1.2k`.
    public static func rate(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        if value <= 0 { return "0" }
        if value < 1000 { return Self.fixed(value, digits: 1) }
        return Self.compact(value)
    }

    /// A share 0-1 as a percentage: `37.5%`, `100%`, `0.04%`.
    public static func percent(_ share: Double, digits: Int = 1) -> String {
        guard share.isFinite else { return "-" }
        let value = share * 100
        if value >= 99.95, value < 100 { return Self.fixed(value, digits: 2) + "%" }
        if value == 100 { return "100%" }
        if value > 0, value < 0.1 { return Self.fixed(value, digits: 2) + "%" }
        return Self.fixed(value, digits: digits) + "%"
    }

    /// A latency in milliseconds: `0.4ms`, `12ms`, `1.25s`, `2m05s`; `-` when there is none.
    public static func latency(_ millis: Double?) -> String {
        guard let millis, millis.isFinite, millis >= 0 else { return "-" }
        if millis < 10 { return Self.fixed(millis, digits: 1) + "ms" }
        if millis < 1000 { return "\(Int(rounding: millis) ?? 0)ms" }
        if millis < 60_000 { return Self.fixed(millis / 1000, digits: millis < 10_000 ? 2 : 1) + "s" }
        let seconds = Int(rounding: millis / 1000) ?? .max
        return "\(seconds / 60)m\(Self.twoDigits(seconds % 60))s"
    }

    /// An age in seconds: `0.4s`, `12s`, `3m20s`, `2h05m`.
    public static func age(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "-" }
        let seconds = max(0, seconds)
        if seconds < 10 { return Self.fixed(seconds, digits: 1) + "s" }
        let whole = Int(rounding: seconds, .down) ?? .max
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(Self.twoDigits(whole % 60))s" }
        return "\(whole / 3600)h\(Self.twoDigits(whole / 60 % 60))m"
    }

    /// `value` with exactly `digits` decimals, without Foundation.
    public static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let integer = scaled / scale
        let whole = integer.rounded(.down)
        var text = (value < 0 && scaled > 0 ? "-" : "") + String(Int(rounding: whole) ?? .max)
        if digits > 0 {
            let fraction = Int(rounding: scaled - whole * scale) ?? 0
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: max(0, digits - fractionText.count)) + fractionText
        }
        return text
    }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
