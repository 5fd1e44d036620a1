import FunnelCore
/// A dead-letter queue depth reading `funnel demo` sends: `{"pipeline", "queue", "depth"}`.
public struct DemoGauge: Sendable, Hashable, Codable {
    public var pipeline: String
    public var queue: String
    public var depth: UInt64

    public init(pipeline: String, queue: String, depth: UInt64) {
        self.pipeline = pipeline
        self.queue = queue
        self.depth = depth
    }
}
