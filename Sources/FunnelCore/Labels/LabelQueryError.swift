/// Why a funnel query by label (`by=`, `label=`) cannot be answered; each case names the query parameter.
public enum LabelQueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No pipeline has this name.
    case unknownPipeline(String)
    /// `parameter` names a label the pipeline does not declare.
    case unknownLabel(parameter: String, label: String, pipeline: String, declared: [String])
    /// A `label=` filter that is not `name:value`.
    case malformedFilter(String)

    /// The query parameter at fault.
    public var parameter: String {
        switch self {
        case .unknownPipeline: "pipeline"
        case .unknownLabel(let parameter, _, _, _): parameter
        case .malformedFilter: "label"
        }
    }

    public var description: String {
        switch self {
        case .unknownPipeline(let name):
            "pipeline: no pipeline named \(String(reflecting: name)); see /api/v1/pipelines"
        case .unknownLabel(let parameter, let label, let pipeline, let declared):
            declared.isEmpty
                ? "\(parameter): pipeline \(String(reflecting: pipeline)) declares no labels, got \(String(reflecting: label))"
                : "\(parameter): pipeline \(String(reflecting: pipeline)) declares the labels \(declared.joined(separator: ", ")), got \(String(reflecting: label))"
        case .malformedFilter(let text):
            "label: must be name:value (e.g. label=tenant:acme), got \(String(reflecting: text))"
        }
    }
}
