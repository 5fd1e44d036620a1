import Foundation

/// Number formatting and template filling for alarm messages.
public enum AlarmText {
    /// A number without needless decimals: `340`, `12.5`, `0.25`.
    public static func number(_ value: Double) -> String {
        if abs(value) < 1e15, let whole = Int64(exactly: value) { return String(whole) }
        let rounded = (value * 100).rounded() / 100
        return rounded == 0 ? String(value) : String(rounded)
    }

    /// A ratio as a percentage: `0.002` as `0.2%`.
    public static func percent(_ ratio: Double) -> String {
        let percent = ratio * 100
        let shown = percent >= 10 ? (percent * 10).rounded() / 10 : (percent * 100).rounded() / 100
        return number(shown) + "%"
    }

    /// Fills `{{ $value }}`, `{{ $threshold }}` and `{{ $labels.NAME }}` (spaces inside the braces optional).
    public static func fill(_ template: String, value: String, threshold: String, labels: [String: String]) -> String {
        var result = ""
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let expression = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: " ")
            switch expression {
            case "$value": result += value
            case "$threshold": result += threshold
            default:
                if expression.hasPrefix("$labels.") {
                    result += labels[String(expression.dropFirst("$labels.".count))] ?? ""
                } else {
                    result += rest[open.lowerBound..<close.upperBound]
                }
            }
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        var text = self
        while let first = text.first, characters.contains(first) { text = text.dropFirst() }
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
