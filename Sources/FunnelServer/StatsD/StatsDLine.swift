public import FunnelCore

/// What one accepted StatsD line says, in Funnel's model.
public enum StatsDLine: Sendable, Hashable {
    /// A counter: events with an outcome at a stage, already scaled up by the sample rate.
    case events(StageReport)
    /// A timer: latency of a stage, without events to count.
    case latency(LatencyObservation)
    /// A gauge: the depth of a pipeline's dead-letter queue.
    case dlqDepth(QueueDepthReport)
}
