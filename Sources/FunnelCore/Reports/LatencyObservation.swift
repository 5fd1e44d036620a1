/// A latency measured at a stage, without events to count: what a StatsD timer line carries.
///
/// The ledger records it like a report's `latency_ms` but adds nothing to the stage's counts, so timers and
/// counters for the same stage can arrive on separate lines without double counting.
public struct LatencyObservation: Sendable, Hashable {
    public var pipeline: String
    public var stage: String
    /// When the events first entered the pipeline, Unix milliseconds; nil means the arrival time.
    public var eventTimeMillis: Int64?
    /// The duration, in milliseconds.
    public var millis: Double
    /// How many events this sample stands for: 1, or 1/rate for a sampled timer.
    public var weight: UInt64

    public init(pipeline: String, stage: String, eventTimeMillis: Int64? = nil, millis: Double, weight: UInt64 = 1) {
        self.pipeline = pipeline
        self.stage = stage
        self.eventTimeMillis = eventTimeMillis
        self.millis = millis
        self.weight = weight
    }
}
