/// A reading of how many messages wait in a pipeline's dead-letter queue.
public struct DLQDepthReading: Sendable, Hashable {
    public var pipeline: String
    public var queue: String
    /// The depth, or the change of depth when `isDelta` is true (a StatsD `+N` / `-N` gauge).
    public var depth: Double
    public var isDelta: Bool
    /// When the depth was observed, Unix milliseconds; nil means when it arrived.
    public var observedAtMillis: Int64?

    public init(pipeline: String, queue: String, depth: Double, isDelta: Bool = false, observedAtMillis: Int64? = nil) {
        self.pipeline = pipeline
        self.queue = queue
        self.depth = depth
        self.isDelta = isDelta
        self.observedAtMillis = observedAtMillis
    }
}
