/// One reporter of one stage: the key of a watermark.
public struct ReporterKey: Sendable, Hashable {
    public var pipeline: String
    public var stage: String
    public var reporter: String

    public init(pipeline: String, stage: String, reporter: String) {
        self.pipeline = pipeline
        self.stage = stage
        self.reporter = reporter
    }
}
