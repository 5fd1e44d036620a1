/// A shadow comparison: two pipelines fed the same input, the one being replaced and the one replacing it.
///
/// Both are ordinary pipelines, declared or discovered, and may have different stages. Also the entry of
/// `GET /api/v1/comparisons`.
public struct Comparison: Sendable, Hashable, Codable {
    public var name: String
    /// The pipeline being replaced.
    public var baseline: String
    /// The pipeline replacing it.
    public var candidate: String

    public init(name: String, baseline: String, candidate: String) {
        self.name = name
        self.baseline = baseline
        self.candidate = candidate
    }
}

/// The body of `GET /api/v1/comparisons`: `{"comparisons": [...]}`.
public struct ComparisonCatalog: Sendable, Hashable, Codable {
    public var comparisons: [Comparison]

    public init(comparisons: [Comparison]) {
        self.comparisons = comparisons
    }
}
