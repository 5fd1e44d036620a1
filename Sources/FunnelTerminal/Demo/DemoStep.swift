import FunnelCore
/// What happened in the simulated pipeline during one step of `funnel demo`: the reports and the DLQ depth.
public struct DemoStep: Sendable, Hashable {
    public var phase: DemoPhase
    /// Events that entered the pipeline in this step.
    public var entered: UInt64
    public var reports: [DemoReport]
    /// The dead-letter queue's depth at the end of the step.
    public var gauge: DemoGauge

    public init(phase: DemoPhase, entered: UInt64, reports: [DemoReport], gauge: DemoGauge) {
        self.phase = phase
        self.entered = entered
        self.reports = reports
        self.gauge = gauge
    }
}
