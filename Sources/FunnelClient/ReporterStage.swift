public import Foundation
import FunnelCore

/// One stage of one pipeline, its names checked once: ``FunnelReporter/stage(_:of:)`` returns it.
///
/// Create the handles at start (`let enrich = try reporter.stage("enrich", of: "orders")`): a misspelt or
/// undeclared stage fails there, not silently as a new stage in the server. Calls on a handle skip the name checks.
/// ``labelled(_:)`` gives a handle whose reports carry label values (`enrich.labelled(["tenant": "acme"])`).
public struct ReporterStage: Sendable {
    public let pipeline: String
    public let stage: String
    /// The label values every report of this handle carries; the pipeline must declare them (`pipelines[].labels`).
    public let labels: [String: String]
    private let reporter: FunnelReporter

    init(pipeline: String, stage: String, labels: [String: String] = [:], reporter: FunnelReporter) {
        self.pipeline = pipeline
        self.stage = stage
        self.labels = labels
        self.reporter = reporter
    }

    /// The same stage with `labels` added to this handle's (a name given again takes the new value); cheap, so make
    /// one per request (`enrich.labelled(["tenant": request.tenant])`). Names and values the server would refuse
    /// are refused on each call, counted in ``FunnelReporter/statistics`` like any other bad call.
    public func labelled(_ labels: [String: String]) -> ReporterStage {
        ReporterStage(pipeline: self.pipeline, stage: self.stage, labels: self.labels.merging(labels) { $1 }, reporter: self.reporter)
    }

    /// Counts `count` events that entered the stage.
    public func received(count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil) {
        self.reporter.record(.received, self.pipeline, self.stage, count, eventTime, latency, nil, labels: self.labels, namesChecked: true)
    }

    /// Counts `count` events the stage handed on; for the last stage, delivered, with their end-to-end latency.
    public func passed(count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil, endToEnd: Duration? = nil) {
        self.reporter.record(.passed, self.pipeline, self.stage, count, eventTime, latency, endToEnd, labels: self.labels, namesChecked: true)
    }

    /// Counts `count` events the stage gave up on.
    public func failed(count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil) {
        self.reporter.record(.failed, self.pipeline, self.stage, count, eventTime, latency, nil, labels: self.labels, namesChecked: true)
    }

    /// Counts `count` events the stage sent to a dead-letter queue.
    public func deadLettered(count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil) {
        self.reporter.record(.deadLettered, self.pipeline, self.stage, count, eventTime, latency, nil, labels: self.labels, namesChecked: true)
    }

    /// Counts `count` events the stage got again after counting them received (a queue redelivering them).
    public func redelivered(count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil) {
        self.reporter.record(.redelivered, self.pipeline, self.stage, count, eventTime, latency, nil, labels: self.labels, namesChecked: true)
    }

    /// Counts `count` events taken out of the stage's dead-letter queue and fed back into it; pass their original `eventTime`.
    public func redriven(count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil) {
        self.reporter.record(.redriven, self.pipeline, self.stage, count, eventTime, latency, nil, labels: self.labels, namesChecked: true)
    }

    /// Counts `count` events fed into the stage again from outside the normal flow; pass their original `eventTime`.
    public func replayed(count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil) {
        self.reporter.record(.replayed, self.pipeline, self.stage, count, eventTime, latency, nil, labels: self.labels, namesChecked: true)
    }
}

/// A pipeline or stage name ``FunnelReporter/stage(_:of:)`` refuses, e.g.
/// `stage "enrih" of pipeline "orders" is not declared; declared: ingest, enrich, deliver`.
public struct ReporterNameError: Error, Sendable, Hashable, CustomStringConvertible {
    public var pipeline: String
    public var stage: String
    /// What is wrong.
    public var problem: String

    public init(pipeline: String, stage: String, _ problem: String) {
        self.pipeline = pipeline
        self.stage = stage
        self.problem = problem
    }

    public var description: String { "stage \(String(reflecting: self.stage)) of pipeline \(String(reflecting: self.pipeline)): \(self.problem)" }
}
