public import FunnelCore

/// The kind-specific part of a DLQ source.
public enum DLQSourceSettings: Sendable, Hashable {
    case sqs(SQSSourceSettings)
    case postgres(PostgresSourceSettings)
    case redis(RedisSourceSettings)

    public var kind: DLQSourceKind {
        switch self {
        case .sqs: .sqs
        case .postgres: .postgres
        case .redis: .redis
        }
    }
}
