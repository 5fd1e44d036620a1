import CoreMetrics
import FunnelCore
import Synchronization

/// `funnel.events`: each increment counts events of one outcome at one stage.
final class FunnelEventsHandler: CounterHandler, Sendable {
    let reporter: FunnelReporter
    let pipeline: String
    let stage: String
    let outcome: Outcome

    init(reporter: FunnelReporter, pipeline: String, stage: String, outcome: Outcome) {
        self.reporter = reporter
        self.pipeline = pipeline
        self.stage = stage
        self.outcome = outcome
    }

    func increment(by amount: Int64) {
        guard amount > 0, let count = Int(exactly: amount) else { return }
        self.reporter.record(self.outcome, self.pipeline, self.stage, count, nil, nil, nil, labels: [:], namesChecked: false)
    }

    /// A no-op: what was counted stays counted.
    func reset() {}
}

/// `funnel.latency`: each duration counts one event of the stage's outcome with that latency.
final class FunnelLatencyHandler: TimerHandler, Sendable {
    let reporter: FunnelReporter
    let pipeline: String
    let stage: String
    let outcome: Outcome

    init(reporter: FunnelReporter, pipeline: String, stage: String, outcome: Outcome) {
        self.reporter = reporter
        self.pipeline = pipeline
        self.stage = stage
        self.outcome = outcome
    }

    func recordNanoseconds(_ duration: Int64) {
        self.reporter.record(self.outcome, self.pipeline, self.stage, 1, nil, .nanoseconds(duration), nil, labels: [:], namesChecked: false)
    }
}

/// `funnel.dlq.depth`: the depth of a dead-letter queue, as a `Gauge` (recorder) or a `Meter`.
final class FunnelDepthHandler: RecorderHandler, MeterHandler, Sendable {
    let reporter: FunnelReporter
    let pipeline: String
    let queue: String
    private let depth = Mutex<Double>(0)

    init(reporter: FunnelReporter, pipeline: String, queue: String) {
        self.reporter = reporter
        self.pipeline = pipeline
        self.queue = queue
    }

    func record(_ value: Int64) { self.set(Double(value)) }
    func record(_ value: Double) { self.set(value) }
    func set(_ value: Int64) { self.set(Double(value)) }

    func set(_ value: Double) {
        self.depth.withLock { $0 = value }
        self.send(value)
    }

    func increment(by amount: Double) {
        self.send(self.depth.withLock { depth in
            depth += amount
            return depth
        })
    }

    func decrement(by amount: Double) {
        self.increment(by: -amount)
    }

    private func send(_ value: Double) {
        // A fractional or out-of-range depth goes as -1, which the reporter refuses and counts as an invalid call.
        self.reporter.dlqDepth(pipeline: self.pipeline, queue: self.queue, depth: Int(exactly: value) ?? -1)
    }
}
