/// Latency samples of one stage that carry no events to count, already summed into a sketch and a histogram.
///
/// StatsD timer lines arrive by the thousand for a handful of stages; the listener records them here as they
/// come and hands the ledger one of these per stage instead of one observation per line.
public struct StageLatency: Sendable, Hashable {
    public var pipeline: String
    public var stage: String
    /// When the events first entered the pipeline, Unix milliseconds; nil means the arrival time.
    public var eventTimeMillis: Int64?
    public var observations: LatencyObservations

    /// Samples of `stage` already recorded into `observations`.
    public init(pipeline: String, stage: String, eventTimeMillis: Int64? = nil, observations: LatencyObservations) {
        self.pipeline = pipeline
        self.stage = stage
        self.eventTimeMillis = eventTimeMillis
        self.observations = observations
    }

    /// One observation, counted `weight` times (at most ``FunnelLedger/maximumLatencyWeight``).
    public init(_ observation: LatencyObservation, bucketsSeconds: [Double]) {
        var observations = LatencyObservations(bucketsSeconds: bucketsSeconds)
        observations.record(observation.millis, count: min(max(observation.weight, 1), FunnelLedger.maximumLatencyWeight), samples: [])
        self.init(pipeline: observation.pipeline, stage: observation.stage, eventTimeMillis: observation.eventTimeMillis, observations: observations)
    }
}
