public import Foundation
import FunnelCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Reports a Swift service's stage counts to a Funnel server without blocking it and without counting twice.
///
/// Calls such as ``passed(pipeline:stage:count:eventTime:latency:endToEnd:)`` only add to an in-memory aggregate
/// per (pipeline, stage, outcome, event-time bucket) behind a lock. Every ``ReporterConfiguration/flushInterval``,
/// or as soon as a batch is full, the aggregate is sealed into a batch and posted to `/v1/reports` with its own
/// `Idempotency-Key`. A batch that gets no answer (server down, timeout) is retried with exponential backoff,
/// jitter and the same key, so a retry of a batch the server already counted is answered from the server's
/// stored reply and not counted again. While the server does not confirm, batches queue up to
/// ``ReporterConfiguration/maximumBufferedBytes``; past that the oldest unsent batches are dropped, counted in
/// ``statistics`` and logged with their cause.
///
/// Run it as a `Service` in a `ServiceGroup`: graceful shutdown makes it send what is left (retrying for up to
/// ``ReporterConfiguration/shutdownTimeout``) before ``run()`` returns; cancellation (a sibling service threw
/// or returned) makes it send what is left once, without retrying. Outside a group, run it in a task
/// (`try await reporter.run()`) and call ``shutdown()`` to stop it.
///
/// ```swift
/// let reporter = FunnelReporter(endpoint: IngestEndpoint(server: "http://127.0.0.1:9470"))
/// let ingest = try reporter.stage("ingest", of: "orders")
/// ingest.received(count: 10)
/// ingest.passed(count: 9, latency: .milliseconds(12))
/// ingest.deadLettered()
/// ingest.labelled(["tenant": "acme"]).received(count: 3)   // counted in acme's funnel too
/// reporter.dlqDepth(pipeline: "orders", queue: "orders-dlq", depth: 1)
/// ```
public final class FunnelReporter: Service, Sendable {
    public let endpoint: IngestEndpoint
    public let configuration: ReporterConfiguration
    let logger: Logger
    let buffer: Mutex<ReporterBuffer>
    let lifecycle = Mutex(Lifecycle())
    let logState = Mutex(LogState())
    let wakeups: AsyncStream<Void>
    let wake: AsyncStream<Void>.Continuation
    private let declaredStages: [String: Set<String>]

    struct Lifecycle {
        var running = false
        var finished = false
        var cancelled = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var flushes: [UInt64: (sequence: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextFlush: UInt64 = 0
        /// The server refused a watermark for good (a server without watermarks, a name it will not take): none is sent again.
        var watermarksRefused = false
    }

    public init(endpoint: IngestEndpoint, configuration: ReporterConfiguration = ReporterConfiguration(), logger: Logger = Logger(label: "funnel.reporter")) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.logger = logger
        self.buffer = Mutex(ReporterBuffer(configuration: configuration))
        self.declaredStages = configuration.pipelines.mapValues(Set.init)
        (self.wakeups, self.wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: Recording

    /// A handle on one stage, its names checked once: throws when a name breaks the name rule or the pipeline is
    /// declared in ``ReporterConfiguration/pipelines`` without this stage.
    public func stage(_ stage: String, of pipeline: String) throws(ReporterNameError) -> ReporterStage {
        if let problem = NameRule.problem(with: pipeline) { throw ReporterNameError(pipeline: pipeline, stage: stage, "pipeline \(problem)") }
        if let problem = NameRule.problem(with: stage) { throw ReporterNameError(pipeline: pipeline, stage: stage, problem) }
        if let declared = self.configuration.pipelines[pipeline], !declared.contains(stage) {
            throw ReporterNameError(pipeline: pipeline, stage: stage, "is not declared; declared: \(declared.joined(separator: ", "))")
        }
        return ReporterStage(pipeline: pipeline, stage: stage, reporter: self)
    }

    /// Counts `count` events that entered `stage`.
    public func received(
        pipeline: String, stage: String, count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil, labels: [String: String] = [:]
    ) {
        self.record(.received, pipeline, stage, count, eventTime, latency, nil, labels: labels, namesChecked: false)
    }

    /// Counts `count` events that `stage` handed on; for the last stage, delivered, with their end-to-end latency
    /// (entering the pipeline to delivery, the pipeline's `end_to_end_ms`).
    public func passed(
        pipeline: String, stage: String, count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil, endToEnd: Duration? = nil,
        labels: [String: String] = [:]
    ) {
        self.record(.passed, pipeline, stage, count, eventTime, latency, endToEnd, labels: labels, namesChecked: false)
    }

    /// Counts `count` events that `stage` gave up on.
    public func failed(
        pipeline: String, stage: String, count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil, labels: [String: String] = [:]
    ) {
        self.record(.failed, pipeline, stage, count, eventTime, latency, nil, labels: labels, namesChecked: false)
    }

    /// Counts `count` events that `stage` sent to a dead-letter queue.
    public func deadLettered(
        pipeline: String, stage: String, count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil, labels: [String: String] = [:]
    ) {
        self.record(.deadLettered, pipeline, stage, count, eventTime, latency, nil, labels: labels, namesChecked: false)
    }

    /// Counts `count` events that `stage` got again after counting them received (a queue redelivering them);
    /// never loss, shown as the stage's retries.
    public func redelivered(
        pipeline: String, stage: String, count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil, labels: [String: String] = [:]
    ) {
        self.record(.redelivered, pipeline, stage, count, eventTime, latency, nil, labels: labels, namesChecked: false)
    }

    /// Counts `count` events taken out of `stage`'s dead-letter queue and fed back into it; pass their original
    /// `eventTime`.
    public func redriven(
        pipeline: String, stage: String, count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil, labels: [String: String] = [:]
    ) {
        self.record(.redriven, pipeline, stage, count, eventTime, latency, nil, labels: labels, namesChecked: false)
    }

    /// Counts `count` events fed into `stage` again from outside the normal flow (a replay, a backfill); pass their
    /// original `eventTime`.
    public func replayed(
        pipeline: String, stage: String, count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil, labels: [String: String] = [:]
    ) {
        self.record(.replayed, pipeline, stage, count, eventTime, latency, nil, labels: labels, namesChecked: false)
    }

    /// Reports how many messages wait in a dead-letter queue; the latest reading per queue is sent on the next flush.
    public func dlqDepth(pipeline: String, queue: String, depth: Int) {
        guard NameRule.accepts(pipeline), NameRule.accepts(queue), depth >= 0, UInt64(depth) <= ReportBodyParser.maximumDepth else {
            self.refuseCall("dlqDepth(pipeline: \(String(reflecting: pipeline)), queue: \(String(reflecting: queue)), depth: \(depth))", problem: Self.callRule)
            return
        }
        let reading = QueueDepthReport(pipeline: pipeline, queue: queue, depth: UInt64(depth), timeMillis: Int64(rounding: Self.millis(Date()), .down))
        self.buffer.withLock { buffer in
            if buffer.gauges.count < self.configuration.maximumBatchSeries || buffer.gauges[QueueKey(pipeline: pipeline, queue: queue)] != nil {
                buffer.gauges[QueueKey(pipeline: pipeline, queue: queue)] = reading
            }
        }
    }

    /// What the reporter has recorded, delivered, refused, dropped and still holds.
    public var statistics: ReporterStatistics { self.buffer.withLock { $0.snapshot } }

    /// Events given up on that the server does not have; see ``ReporterStatistics/droppedEvents``.
    public var droppedEvents: UInt64 { self.buffer.withLock { $0.statistics.droppedEvents } }

    private static let callRule = "names must be 1-128 characters of [A-Za-z0-9_.:-], counts >= 1, latencies and depths >= 0"

    func record(
        _ outcome: Outcome, _ pipeline: String, _ stage: String, _ count: Int, _ eventTime: Date?, _ latency: Duration?, _ endToEnd: Duration?,
        labels: [String: String], namesChecked: Bool
    ) {
        let latencyMillis = latency.map(Self.millis)
        let endToEndMillis = endToEnd.map(Self.millis)
        let bucket = Self.millis(self.configuration.eventTimeBucket)
        let millis = Self.millis(eventTime ?? Date())
        let bucketMillis = bucket >= 1 ? Int64(rounding: (millis / bucket).rounded(.down) * bucket) : Int64(rounding: millis, .down)
        func validLatency(_ value: Double?) -> Bool { value.map { $0.isFinite && $0 >= 0 && $0 <= ReportBodyParser.maximumLatencyMillis } ?? true }
        let namesValid = namesChecked || (NameRule.accepts(pipeline) && NameRule.accepts(stage))
        guard namesValid, count >= 1, UInt64(count) <= ReportBodyParser.maximumCount, validLatency(latencyMillis), validLatency(endToEndMillis), let bucketMillis else {
            self.refuseCall(Self.describe(outcome, pipeline, stage, count, latency, endToEnd), problem: Self.callRule)
            return
        }
        if !labels.isEmpty, let problem = Self.labelProblem(labels) {
            self.refuseCall(Self.describe(outcome, pipeline, stage, count, latency, endToEnd), problem: problem)
            return
        }
        if !namesChecked, let declared = self.declaredStages[pipeline], !declared.contains(stage) {
            let list = self.configuration.pipelines[pipeline, default: []].joined(separator: ", ")
            self.refuseCall(Self.describe(outcome, pipeline, stage, count, latency, endToEnd), problem: "stage \(String(reflecting: stage)) is not declared for pipeline \(String(reflecting: pipeline)) (declared: \(list))")
            return
        }
        let key = SeriesKey(pipeline: pipeline, stage: stage, outcome: outcome, bucketMillis: bucketMillis, labels: labels)
        let sealed = self.buffer.withLock { $0.record(key, count: UInt64(count), latencyMillis: latencyMillis, endToEndMillis: endToEndMillis) }
        if sealed { self.wake.yield() }
    }

    /// Why the server would refuse `labels` whatever the pipeline declares, or nil: names and values by the label rule.
    static func labelProblem(_ labels: [String: String]) -> String? {
        guard labels.count <= LabelRule.maximumLabelsPerPipeline else { return "at most \(LabelRule.maximumLabelsPerPipeline) labels, got \(labels.count)" }
        for (name, value) in labels.sorted(by: { $0.key < $1.key }) {
            if let problem = LabelRule.problem(withName: name) { return "label name \(problem)" }
            if let problem = LabelRule.problem(withValue: value) { return "label \(name): value \(problem)" }
        }
        return nil
    }

    private static func describe(_ outcome: Outcome, _ pipeline: String, _ stage: String, _ count: Int, _ latency: Duration?, _ endToEnd: Duration?) -> String {
        var text = "\(outcome.name)(pipeline: \(String(reflecting: pipeline)), stage: \(String(reflecting: stage)), count: \(count)"
        if let latency { text += ", latency: \(latency)" }
        if let endToEnd { text += ", endToEnd: \(endToEnd)" }
        return text + ")"
    }

    // MARK: Flushing and stopping

    /// Sends what was recorded so far now, and returns once the server confirmed it, refused it, or it was given up
    /// on: true when nothing was refused or given up on meanwhile. Needs the reporter running; throws
    /// `CancellationError` when the calling task is cancelled while it waits.
    @discardableResult
    public func flush() async throws -> Bool {
        let (sequence, lossBefore) = self.buffer.withLock { buffer -> (UInt64, UInt64) in
            buffer.seal()
            return (buffer.sealedSequence, Self.lost(buffer.statistics))
        }
        self.wake.yield()
        let id = self.lifecycle.withLock { lifecycle -> UInt64 in
            lifecycle.nextFlush += 1
            return lifecycle.nextFlush
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let done = self.lifecycle.withLock { lifecycle -> Bool in
                    if lifecycle.finished || Task.isCancelled || self.buffer.withLock({ $0.hasSettled(upTo: sequence) }) { return true }
                    lifecycle.flushes[id] = (sequence, continuation)
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            self.lifecycle.withLock { $0.flushes.removeValue(forKey: id) }?.continuation.resume()
        }
        try Task.checkCancellation()
        return self.buffer.withLock { Self.lost($0.statistics) } == lossBefore
    }

    static func lost(_ statistics: ReporterStatistics) -> UInt64 {
        statistics.rejectedEvents.addingSaturated(statistics.droppedEvents).addingSaturated(statistics.unconfirmedEvents)
    }

    /// Resumes the flushes whose batches are all settled (or all of them, once the reporter has finished).
    func settleFlushes() {
        let ready = self.lifecycle.withLock { lifecycle -> [CheckedContinuation<Void, Never>] in
            let settled = lifecycle.flushes.filter { entry in lifecycle.finished || self.buffer.withLock { $0.hasSettled(upTo: entry.value.sequence) } }
            for id in settled.keys { lifecycle.flushes.removeValue(forKey: id) }
            return settled.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Stops taking events and sends what is left, for up to ``ReporterConfiguration/shutdownTimeout``.
    ///
    /// Returns when everything was confirmed or the time ran out; what could not be sent is counted in ``statistics``.
    public func shutdown() async {
        self.close()
        let wait = self.lifecycle.withLock { lifecycle -> Bool in
            if lifecycle.running { return true }
            lifecycle.finished = true
            return false
        }
        if wait {
            await withCheckedContinuation { continuation in
                let done = self.lifecycle.withLock { lifecycle -> Bool in
                    if lifecycle.finished { return true }
                    lifecycle.waiters.append(continuation)
                    return false
                }
                if done { continuation.resume() }
            }
        } else {
            await self.drain()
            self.logSummary()
        }
    }

    func close() {
        self.buffer.withLock { $0.closed = true }
        self.wake.finish()
    }

    // MARK: Time

    static func millis(_ date: Date) -> Double { date.timeIntervalSince1970 * 1000 }

    static func millis(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
