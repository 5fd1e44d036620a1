import FunnelCore

/// What a StatsD line means apart from its value: its type, sample rate, event time, validated names and labels.
struct ResolvedStatsDLine: Sendable {
    var type: StatsDMetricType
    var rate: Double?
    var eventTimeMillis: Int64?
    var pipeline: String
    /// Set for counters and timers.
    var stage: String?
    /// Set for counters.
    var outcome: Outcome?
    /// Set for gauges.
    var queue: String?
    /// Counters: the values of the labels their pipeline declares, from the line's tags.
    var labels: [String: String] = [:]
}
