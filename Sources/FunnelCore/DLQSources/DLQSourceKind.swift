/// Where a dead-letter queue's depth is read from: the queue system Funnel asks.
public enum DLQSourceKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Amazon SQS (or an SQS-compatible endpoint such as LocalStack or moto): `GetQueueAttributes`.
    case sqs
    /// A count query on a PostgreSQL-backed queue table.
    case postgres
    /// `LLEN`, `XLEN` or `ZCARD` on a Redis key.
    case redis
}
