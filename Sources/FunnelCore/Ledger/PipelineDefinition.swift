/// A pipeline declared in the configuration: its stages in order, its bucket settings and its labels.
public struct PipelineDefinition: Sendable, Hashable {
    public var name: String
    public var stages: [String]
    public var settings: PipelineSettings
    /// The labels its reports may carry (`labels: [tenant, version]`), each counted per value.
    public var labels: [String]
    /// The delivery objective, when the configuration declares one (`slo:`).
    public var slo: DeliverySLO?

    public init(
        name: String, stages: [String], settings: PipelineSettings = PipelineSettings(), labels: [String] = [], slo: DeliverySLO? = nil
    ) {
        self.name = name
        self.stages = stages
        self.settings = settings
        self.labels = labels
        self.slo = slo
    }
}
