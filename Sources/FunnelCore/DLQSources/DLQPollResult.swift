/// How one poll of a DLQ source ended, the `result` label of `funnel_dlq_source_polls_total`.
public enum DLQPollResult: String, Sendable, Hashable, Codable, CaseIterable {
    case ok
    case error
    case timeout
}
