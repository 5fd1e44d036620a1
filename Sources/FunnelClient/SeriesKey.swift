import FunnelCore

/// What a reporter aggregates by: pipeline, stage, outcome, event-time bucket and label values.
struct SeriesKey: Sendable, Hashable {
    var pipeline: String
    var stage: String
    var outcome: Outcome
    /// Start of the event-time bucket, Unix milliseconds.
    var bucketMillis: Int64
    /// Values of labels the pipeline declares (`tenant`, `version`): each set of values is a series of its own.
    var labels: [String: String] = [:]
}
