/// The body of every refusal of the HTTP API: `{"error": "...", "reason": "...", "index": i, "field": "..."}`.
public struct ErrorBody: Sendable, Hashable, Codable {
    /// The whole message, e.g. `reports[3].count: must be an integer from 1 to 1000000000000, got -2`.
    public var error: String
    /// The reason it is counted under, e.g. `invalid_value`.
    public var reason: String?
    /// The offending report, when one report is at fault.
    public var index: Int?
    /// The offending field or parameter.
    public var field: String?

    public init(error: String, reason: String? = nil, index: Int? = nil, field: String? = nil) {
        self.error = error
        self.reason = reason
        self.index = index
        self.field = field
    }
}
