/// Why a completeness question cannot be answered.
public enum CompletenessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No pipeline has this name.
    case unknownPipeline(String)
    /// The range starts in buckets retention has dropped; `earliest` is the first event time still answerable.
    case beforeRetention(earliest: String, retentionSeconds: Int64)

    public var description: String {
        switch self {
        case .unknownPipeline(let name):
            "pipeline: no pipeline named \(String(reflecting: name)); see /api/v1/pipelines"
        case .beforeRetention(let earliest, let retention):
            "from: the range starts before the retained buckets (retention \(DurationText.format(seconds: retention))); the earliest answerable from is \(earliest)"
        }
    }
}
