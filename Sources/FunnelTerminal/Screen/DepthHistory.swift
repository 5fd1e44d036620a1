public import FunnelCore
/// Recent depths of each dead-letter queue, one per poll, for the sparkline; bounded in length.
public struct DepthHistory: Sendable, Hashable {
    public var capacity: Int
    public private(set) var depths: [String: [Double]] = [:]

    public init(capacity: Int = 120) {
        self.capacity = max(1, capacity)
    }

    /// Appends the current depth of each queue; queues no longer listed are forgotten.
    public mutating func record(_ queues: [QueueDepth]) {
        var next: [String: [Double]] = [:]
        for queue in queues {
            var list = self.depths[Self.key(queue)] ?? []
            list.append(Double(queue.depth))
            if list.count > self.capacity { list.removeFirst(list.count - self.capacity) }
            next[Self.key(queue)] = list
        }
        self.depths = next
    }

    /// `pipeline/queue`, the key a queue's history is kept under.
    public static func key(_ queue: QueueDepth) -> String { "\(queue.pipeline)/\(queue.queue)" }
}
