/// A pipeline split by one of its declared labels: what `funnel top` shows after `l`.
public struct TopGrouping: Sendable, Hashable {
    public var pipeline: String
    public var label: String

    public init(pipeline: String, label: String) {
        self.pipeline = pipeline
        self.label = label
    }
}
