/// Identifies one stage of one pipeline.
public struct StageKey: Sendable, Hashable {
    public var pipeline: String
    public var stage: String

    public init(pipeline: String, stage: String) {
        self.pipeline = pipeline
        self.stage = stage
    }
}
