/// A pipeline declared in the configuration: its stages in order and its bucket settings.
public struct PipelineDefinition: Sendable, Hashable {
    public var name: String
    public var stages: [String]
    public var settings: PipelineSettings

    public init(name: String, stages: [String], settings: PipelineSettings = PipelineSettings()) {
        self.name = name
        self.stages = stages
        self.settings = settings
    }
}
