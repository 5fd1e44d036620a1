import FunnelCore

/// `--label NAME=VALUE` (or `NAME:VALUE`, as the API's `label=` writes it), repeatable: label values for `funnel emit`
/// to attach and for `funnel status` to restrict to.
public enum LabelArgument {
    /// The labels of `values`, split at the first `=` or `:`; throws naming the value that is not `NAME=VALUE`, has a
    /// name that cannot be a label, a value the server would refuse, or a name given twice.
    public static func parse(_ values: [String], option: String = "--label") throws(LabelArgumentError) -> [String: String] {
        var labels: [String: String] = [:]
        for text in values {
            guard let split = text.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw LabelArgumentError(option: option, value: text, reason: "expected NAME=VALUE, e.g. tenant=acme")
            }
            let name = String(text[..<split])
            let value = String(text[text.index(after: split)...])
            if let problem = LabelRule.problem(withName: name) { throw LabelArgumentError(option: option, value: text, reason: "the name \(problem)") }
            if let problem = LabelRule.problem(withValue: value) { throw LabelArgumentError(option: option, value: text, reason: "the value \(problem)") }
            guard labels[name] == nil else { throw LabelArgumentError(option: option, value: text, reason: "\(name) is given twice") }
            labels[name] = value
        }
        guard labels.count <= LabelRule.maximumLabelsPerPipeline else {
            throw LabelArgumentError(option: option, value: values.joined(separator: " "), reason: "at most \(LabelRule.maximumLabelsPerPipeline) labels")
        }
        return labels
    }
}

/// A `--label` value that cannot be used, naming the option, the value and why.
public struct LabelArgumentError: Error, Sendable, Hashable, CustomStringConvertible {
    public var option: String
    public var value: String
    public var reason: String

    public var description: String { "\(self.option) \(String(reflecting: self.value)): \(self.reason)" }
}
