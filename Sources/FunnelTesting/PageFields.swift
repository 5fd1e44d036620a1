import Foundation

/// The figures a Funnel web page carries in its markup: each `data-field="NAME" data-value="N"` inside one element.
public enum PageFields {
    /// The `data-value` of every `data-field` inside the first element that starts with `opening` (for example
    /// `<tr data-stage="ingest"`), up to its `</closing>`.
    public static func values(in html: String, opening: String, closing: String = "tr") -> [String: String] {
        guard let start = html.range(of: opening) else { return [:] }
        let rest = html[start.upperBound...]
        let end = rest.range(of: "</\(closing)>")?.lowerBound ?? rest.endIndex
        let element = String(rest[..<end])
        var fields: [String: String] = [:]
        let pattern = try! NSRegularExpression(pattern: #"data-field="([a-z_]+)" data-value="([0-9]+)""#)
        for match in pattern.matches(in: element, range: NSRange(element.startIndex..., in: element)) {
            fields[String(element[Range(match.range(at: 1), in: element)!])] = String(element[Range(match.range(at: 2), in: element)!])
        }
        return fields
    }
}
