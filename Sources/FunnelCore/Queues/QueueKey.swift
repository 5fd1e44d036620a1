/// Identifies one dead-letter queue of one pipeline.
public struct QueueKey: Sendable, Hashable, Comparable {
    public var pipeline: String
    public var queue: String

    public init(pipeline: String, queue: String) {
        self.pipeline = pipeline
        self.queue = queue
    }

    public static func < (lhs: QueueKey, rhs: QueueKey) -> Bool {
        (lhs.pipeline, lhs.queue) < (rhs.pipeline, rhs.queue)
    }
}
