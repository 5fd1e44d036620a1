public import FunnelCore
/// One report `funnel demo` sends to `POST /v1/reports`, encoded with snake_case keys.
public struct DemoReport: Sendable, Hashable, Codable {
    public var pipeline: String
    public var stage: String
    public var outcome: String
    public var count: UInt64
    /// RFC 3339.
    public var eventTime: String
    public var latenciesMs: [Double]?
    public var endToEndLatenciesMs: [Double]?

    public init(pipeline: String, stage: String, outcome: Outcome, count: UInt64, eventTime: String, latenciesMs: [Double]? = nil, endToEndLatenciesMs: [Double]? = nil) {
        self.pipeline = pipeline
        self.stage = stage
        self.outcome = outcome.name
        self.count = count
        self.eventTime = eventTime
        self.latenciesMs = latenciesMs
        self.endToEndLatenciesMs = endToEndLatenciesMs
    }
}
