/// Parses durations written the Prometheus way: `500ms`, `30s`, `5m`, `1h30m`, `72h`, `1d`, `1w`.
public enum DurationText {
    /// The duration in seconds, or nil when `text` is not a duration.
    public static func seconds(_ text: String) -> Double? {
        var total = 0.0
        var digits = ""
        var sawUnit = false
        var scalars = Array(text.trimmingCharacters().unicodeScalars)[...]
        guard !scalars.isEmpty else { return nil }
        if String(String.UnicodeScalarView(scalars)) == "0" { return 0 }
        while let scalar = scalars.first {
            if ("0"..."9").contains(scalar) || scalar == "." {
                digits.unicodeScalars.append(scalar)
                scalars = scalars.dropFirst()
                continue
            }
            var unit = ""
            while let next = scalars.first, ("a"..."z").contains(next) {
                unit.unicodeScalars.append(next)
                scalars = scalars.dropFirst()
            }
            let multiplier: Double
            switch unit {
            case "ms": multiplier = 0.001
            case "s": multiplier = 1
            case "m": multiplier = 60
            case "h": multiplier = 3600
            case "d": multiplier = 86_400
            case "w": multiplier = 604_800
            default: return nil
            }
            guard let value = Double(digits), value >= 0 else { return nil }
            total += value * multiplier
            digits = ""
            sawUnit = true
        }
        guard sawUnit, digits.isEmpty else { return nil }
        return total
    }

    /// Formats whole seconds compactly, e.g. `90` as `1m30s` and `259200` as `72h`.
    public static func format(seconds: Int64) -> String {
        if seconds == 0 { return "0s" }
        var remaining = seconds
        var text = ""
        for (unit, size) in [("h", Int64(3600)), ("m", 60), ("s", 1)] where remaining >= size {
            text += "\(remaining / size)\(unit)"
            remaining %= size
        }
        return text
    }
}

extension String {
    fileprivate func trimmingCharacters() -> Substring {
        var text = self[...]
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return text
    }
}
