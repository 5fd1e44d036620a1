/// A dead-letter queue's depth as a component reports it: the last value wins per (pipeline, queue).
public struct QueueDepthReport: Sendable, Hashable {
    public var pipeline: String
    public var queue: String
    public var depth: UInt64
    /// When the depth was observed, Unix milliseconds; nil means on arrival.
    public var timeMillis: Int64?

    public init(pipeline: String, queue: String, depth: UInt64, timeMillis: Int64? = nil) {
        self.pipeline = pipeline
        self.queue = queue
        self.depth = depth
        self.timeMillis = timeMillis
    }
}
