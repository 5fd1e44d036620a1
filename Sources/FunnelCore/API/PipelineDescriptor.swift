/// A pipeline as `GET /api/v1/pipelines` lists it: its name, stages in order and bucket settings.
public struct PipelineDescriptor: Sendable, Hashable, Codable {
    public var name: String
    public var stages: [String]
    /// True when the configuration declares it, false when it was discovered from reports.
    public var declared: Bool
    public var bucketSeconds: Int64
    public var settleAfterSeconds: Int64
    /// The labels the configuration declares for it (`tenant`, `version`), in declared order; nil when it declares
    /// none, and from servers older than labels.
    public var labels: [String]?

    public init(
        name: String, stages: [String], declared: Bool = false, bucketSeconds: Int64 = 60, settleAfterSeconds: Int64 = 300, labels: [String]? = nil
    ) {
        self.name = name
        self.stages = stages
        self.declared = declared
        self.bucketSeconds = bucketSeconds
        self.settleAfterSeconds = settleAfterSeconds
        self.labels = labels
    }
}
