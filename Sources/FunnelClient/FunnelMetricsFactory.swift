public import CoreMetrics
import FunnelCore
public import Logging

/// A swift-metrics backend that sends Funnel's metrics to Funnel through a ``FunnelReporter``, in its buffered,
/// idempotent batches, and hands every other metric to a fallback backend (or drops it).
///
/// The metrics it takes, by label and dimensions:
/// - `funnel.events`, a `Counter` with `pipeline`, `stage` and `outcome`: each increment counts events of that
///   outcome, as ``FunnelReporter/passed(pipeline:stage:count:eventTime:latency:)`` and its siblings do.
/// - `funnel.latency`, a `Timer` with `pipeline` and `stage` (and `outcome`, `passed` when absent): each recorded
///   duration counts one event of that outcome with that latency, which is how Funnel measures a stage's latency
///   (on the events it handed on). Time the events you would otherwise count as `passed`, not both.
/// - `funnel.dlq.depth`, a `Gauge` or `Meter` with `pipeline` and `queue`: the depth of a dead-letter queue.
///
/// A `funnel.*` metric whose dimensions do not map is logged as a warning when it is created and dropped.
///
/// ```swift
/// MetricsSystem.bootstrap(MultiplexMetricsHandler(factories: [FunnelMetricsFactory(reporter: reporter), prometheus]))
/// // or, with Funnel's metrics only sent to Funnel and the others to Prometheus:
/// MetricsSystem.bootstrap(FunnelMetricsFactory(reporter: reporter, fallback: prometheus))
/// ```
public struct FunnelMetricsFactory: MetricsFactory {
    public let reporter: FunnelReporter
    /// Where metrics that are not Funnel's go; nil drops them.
    public let fallback: (any MetricsFactory)?
    private let logger: Logger

    /// Funnel's metrics to `reporter`, the others to `fallback` (nil: dropped).
    public init(reporter: FunnelReporter, fallback: (any MetricsFactory)? = nil, logger: Logger = Logger(label: "funnel.metrics")) {
        self.reporter = reporter
        self.fallback = fallback
        self.logger = logger
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard label == FunnelMetricLabel.events else {
            return self.fallback?.makeCounter(label: label, dimensions: dimensions) ?? NOOPMetricsHandler.instance
        }
        guard let series = self.series(label, dimensions, keys: ["pipeline", "stage", "outcome"]), let outcome = self.outcome(label, dimensions, default: nil) else {
            return NOOPMetricsHandler.instance
        }
        return FunnelEventsHandler(reporter: self.reporter, pipeline: series[0], stage: series[1], outcome: outcome)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        guard label == FunnelMetricLabel.latency else {
            return self.fallback?.makeTimer(label: label, dimensions: dimensions) ?? NOOPMetricsHandler.instance
        }
        guard let series = self.series(label, dimensions, keys: ["pipeline", "stage"]), let outcome = self.outcome(label, dimensions, default: .passed) else {
            return NOOPMetricsHandler.instance
        }
        return FunnelLatencyHandler(reporter: self.reporter, pipeline: series[0], stage: series[1], outcome: outcome)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard label == FunnelMetricLabel.depth else {
            return self.fallback?.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate) ?? NOOPMetricsHandler.instance
        }
        guard let series = self.series(label, dimensions, keys: ["pipeline", "queue"]) else { return NOOPMetricsHandler.instance }
        return FunnelDepthHandler(reporter: self.reporter, pipeline: series[0], queue: series[1])
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        guard label == FunnelMetricLabel.depth else {
            return self.fallback?.makeMeter(label: label, dimensions: dimensions) ?? NOOPMetricsHandler.instance
        }
        guard let series = self.series(label, dimensions, keys: ["pipeline", "queue"]) else { return NOOPMetricsHandler.instance }
        return FunnelDepthHandler(reporter: self.reporter, pipeline: series[0], queue: series[1])
    }

    public func destroyCounter(_ handler: any CounterHandler) {
        if !(handler is FunnelEventsHandler) { self.fallback?.destroyCounter(handler) }
    }

    public func destroyTimer(_ handler: any TimerHandler) {
        if !(handler is FunnelLatencyHandler) { self.fallback?.destroyTimer(handler) }
    }

    public func destroyRecorder(_ handler: any RecorderHandler) {
        if !(handler is FunnelDepthHandler) { self.fallback?.destroyRecorder(handler) }
    }

    public func destroyMeter(_ handler: any MeterHandler) {
        if !(handler is FunnelDepthHandler) { self.fallback?.destroyMeter(handler) }
    }

    // MARK: Dimensions

    /// The values of `keys` among `dimensions`, each a valid name; nil (and a warning) when one is missing or bad.
    private func series(_ label: String, _ dimensions: [(String, String)], keys: [String]) -> [String]? {
        var values: [String] = []
        for key in keys {
            guard let value = dimensions.last(where: { $0.0 == key })?.1 else {
                self.logger.warning("swift-metrics \(label) has no \(String(reflecting: key)) dimension; it is dropped (dimensions: \(keys.joined(separator: ", ")))")
                return nil
            }
            if let problem = NameRule.problem(with: value) {
                self.logger.warning("swift-metrics \(label) dimension \(String(reflecting: key)) \(problem); it is dropped")
                return nil
            }
            values.append(value)
        }
        return values
    }

    /// The `outcome` dimension, or `fallback` when there is none; nil (and a warning) for a name that is no outcome.
    private func outcome(_ label: String, _ dimensions: [(String, String)], default fallback: Outcome?) -> Outcome? {
        guard let name = dimensions.last(where: { $0.0 == "outcome" })?.1 else {
            if fallback == nil { self.logger.warning("swift-metrics \(label) has no \"outcome\" dimension; it is dropped") }
            return fallback
        }
        guard let outcome = Outcome(name: name) else {
            self.logger.warning(
                "swift-metrics \(label) dimension \"outcome\": \(String(reflecting: name)) is not an outcome (\(Outcome.allCases.map(\.name).joined(separator: ", "))); it is dropped"
            )
            return nil
        }
        return outcome
    }
}

/// The labels of the metrics ``FunnelMetricsFactory`` sends to Funnel.
enum FunnelMetricLabel {
    static let events = "funnel.events"
    static let latency = "funnel.latency"
    static let depth = "funnel.dlq.depth"
}
