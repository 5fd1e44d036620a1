import Foundation

/// Numbers as the web pages print them: counts with thousands separators, ratios as percentages, milliseconds.
enum FigureText {
    /// `1234567` as `1,234,567`.
    static func count(_ value: UInt64) -> String {
        let digits = String(value)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return grouped
    }

    /// A ratio as a percentage with up to `decimals` decimals (`0.9263` as `92.63%`), or an en dash for none.
    static func percent(_ ratio: Double?, decimals: Int = 2) -> String {
        guard let ratio, ratio.isFinite else { return "–" }
        return String(format: "%.\(decimals)f%%", ratio * 100)
    }

    /// Milliseconds as `850 ms`, `3.2 s` or `4.1 min`, or an en dash for none.
    static func milliseconds(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        if value < 1000 { return value < 10 ? String(format: "%.1f ms", value) : String(format: "%.0f ms", value) }
        if value < 60_000 { return String(format: "%.1f s", value / 1000) }
        return String(format: "%.1f min", value / 60_000)
    }

    /// Unix milliseconds as `14:05` (UTC), with the day when `withDay` (`Dec 3 14:05`).
    static func clock(_ millis: Int64, withDay: Bool = false) -> String {
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.month, .day, .hour, .minute], from: date)
        let time = String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
        guard withDay else { return time }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(months[((parts.month ?? 1) - 1 + 12) % 12]) \(parts.day ?? 1) \(time)"
    }
}
