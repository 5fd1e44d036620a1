/// The body of `GET /api/v1/dlq/sources`: `{"sources": [...]}`.
public struct DLQSourceList: Sendable, Hashable, Codable {
    public var sources: [DLQSourceStatus]

    public init(sources: [DLQSourceStatus]) {
        self.sources = sources
    }
}
