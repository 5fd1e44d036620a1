import FunnelCore
/// What the simulated pipeline is going through during one second of `funnel demo`.
public enum DemoPhase: String, Sendable, Hashable {
    /// Steady traffic with small, known losses.
    case calm
    /// Three times the traffic: `process` silently drops a share and its latency spikes.
    case burst
    /// `deliver`'s downstream is down: everything it receives goes to the dead-letter queue.
    case outage
    /// After an outage: the dead-letter queue is redriven and drains.
    case draining
}
