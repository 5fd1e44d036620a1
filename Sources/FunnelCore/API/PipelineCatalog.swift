/// The body of `GET /api/v1/pipelines`: `{"pipelines": [...]}`.
public struct PipelineCatalog: Sendable, Hashable, Codable {
    public var pipelines: [PipelineDescriptor]

    public init(pipelines: [PipelineDescriptor]) {
        self.pipelines = pipelines
    }
}
