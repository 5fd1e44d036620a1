import FunnelCore

/// What a reporter aggregates by: pipeline, stage, outcome and event-time bucket.
struct SeriesKey: Sendable, Hashable {
    var pipeline: String
    var stage: String
    var outcome: Outcome
    /// Start of the event-time bucket, Unix milliseconds.
    var bucketMillis: Int64
}
