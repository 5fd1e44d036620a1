/// The body of `GET /api/v1/dlq`: `{"queues": [...]}`.
public struct QueueDepthList: Sendable, Hashable, Codable {
    public var queues: [QueueDepth]

    public init(queues: [QueueDepth]) {
        self.queues = queues
    }
}
