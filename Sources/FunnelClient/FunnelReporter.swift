public import Foundation
import FunnelCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Reports a Swift service's stage counts to a Funnel server without blocking it and without counting twice.
///
/// Calls such as ``passed(pipeline:stage:count:eventTime:latency:)`` only add to an in-memory aggregate per
/// (pipeline, stage, outcome, event-time bucket) behind a lock. Every ``ReporterConfiguration/flushInterval``,
/// or as soon as a batch is full, the aggregate is sealed into a batch and posted to `/v1/reports` with its own
/// `Idempotency-Key`. A batch that gets no answer (server down, timeout) is retried with exponential backoff,
/// jitter and the same key, so a retry of a batch the server already counted is answered from the server's
/// stored reply and not counted again. While the server is unreachable new batches queue up to
/// ``ReporterConfiguration/maximumBufferedSeries``; past that the oldest unsent batches are dropped, counted in
/// ``droppedEvents``, and logged once the server answers again.
///
/// Run it as a `Service` in a `ServiceGroup`, whose graceful shutdown makes it send what is left (for up to
/// ``ReporterConfiguration/shutdownTimeout``) before ``run()`` returns. Outside a group, run it in a task
/// (`try await reporter.run()`) and call ``shutdown()`` to stop it; inside a group, trigger the group's graceful
/// shutdown instead, since a service that returns on its own ends the group with an error.
///
/// ```swift
/// let reporter = FunnelReporter(endpoint: IngestEndpoint(server: "http://127.0.0.1:9470"))
/// reporter.received(pipeline: "orders", stage: "ingest", count: 10)
/// reporter.passed(pipeline: "orders", stage: "ingest", count: 9, latency: .milliseconds(12))
/// reporter.deadLettered(pipeline: "orders", stage: "ingest")
/// reporter.dlqDepth(pipeline: "orders", queue: "orders-dlq", depth: 1)
/// ```
public final class FunnelReporter: Service, Sendable {
    public let endpoint: IngestEndpoint
    public let configuration: ReporterConfiguration
    private let logger: Logger
    private let buffer: Mutex<ReporterBuffer>
    private let lifecycle = Mutex(Lifecycle())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    private struct Lifecycle {
        var running = false
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var invalidCallsLogged = 0
    }

    public init(endpoint: IngestEndpoint, configuration: ReporterConfiguration = ReporterConfiguration(), logger: Logger = Logger(label: "funnel.reporter")) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.logger = logger
        self.buffer = Mutex(ReporterBuffer(configuration: configuration))
        (self.wakeups, self.wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: Recording

    /// Counts `count` events that entered `stage`.
    public func received(pipeline: String, stage: String, count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil) {
        self.record(.received, pipeline, stage, count, eventTime, latency)
    }

    /// Counts `count` events that `stage` handed on; for the last stage, delivered.
    public func passed(pipeline: String, stage: String, count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil) {
        self.record(.passed, pipeline, stage, count, eventTime, latency)
    }

    /// Counts `count` events that `stage` gave up on.
    public func failed(pipeline: String, stage: String, count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil) {
        self.record(.failed, pipeline, stage, count, eventTime, latency)
    }

    /// Counts `count` events that `stage` sent to a dead-letter queue.
    public func deadLettered(pipeline: String, stage: String, count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil) {
        self.record(.deadLettered, pipeline, stage, count, eventTime, latency)
    }

    /// Counts `count` events that `stage` got again after counting them received (a queue redelivering them);
    /// never loss, shown as the stage's retries.
    public func redelivered(pipeline: String, stage: String, count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil) {
        self.record(.redelivered, pipeline, stage, count, eventTime, latency)
    }

    /// Counts `count` events taken out of `stage`'s dead-letter queue and fed back into it; pass their original
    /// `eventTime`.
    public func redriven(pipeline: String, stage: String, count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil) {
        self.record(.redriven, pipeline, stage, count, eventTime, latency)
    }

    /// Counts `count` events fed into `stage` again from outside the normal flow (a replay, a backfill); pass their
    /// original `eventTime`.
    public func replayed(pipeline: String, stage: String, count: Int = 1, eventTime: Date? = nil, latency: Duration? = nil) {
        self.record(.replayed, pipeline, stage, count, eventTime, latency)
    }

    /// Reports how many messages wait in a dead-letter queue; the latest reading per queue is sent on the next flush.
    public func dlqDepth(pipeline: String, queue: String, depth: Int) {
        guard NameRule.accepts(pipeline), NameRule.accepts(queue), depth >= 0, UInt64(depth) <= ReportBodyParser.maximumDepth else {
            self.refuseCall("dlqDepth(pipeline: \(String(reflecting: pipeline)), queue: \(String(reflecting: queue)), depth: \(depth))")
            return
        }
        let reading = QueueDepthReport(pipeline: pipeline, queue: queue, depth: UInt64(depth), timeMillis: Int64(rounding: Self.millis(Date()), .down))
        self.buffer.withLock { buffer in
            if buffer.gauges.count < self.configuration.maximumBatchSeries || buffer.gauges[QueueKey(pipeline: pipeline, queue: queue)] != nil {
                buffer.gauges[QueueKey(pipeline: pipeline, queue: queue)] = reading
            }
        }
    }

    /// What the reporter has recorded, delivered, dropped and still holds.
    public var statistics: ReporterStatistics { self.buffer.withLock { $0.snapshot } }

    /// Events dropped unsent because the memory bound was reached or shutdown ran out of time.
    public var droppedEvents: UInt64 { self.buffer.withLock { $0.statistics.droppedEvents } }

    private func record(_ outcome: Outcome, _ pipeline: String, _ stage: String, _ count: Int, _ eventTime: Date?, _ latency: Duration?) {
        let latencyMillis = latency.map(Self.millis)
        let bucket = Self.millis(self.configuration.eventTimeBucket)
        let millis = Self.millis(eventTime ?? Date())
        let bucketMillis = bucket >= 1 ? Int64(rounding: (millis / bucket).rounded(.down) * bucket) : Int64(rounding: millis, .down)
        guard NameRule.accepts(pipeline), NameRule.accepts(stage), count >= 1, UInt64(count) <= ReportBodyParser.maximumCount,
            latencyMillis.map({ $0.isFinite && $0 >= 0 && $0 <= ReportBodyParser.maximumLatencyMillis }) ?? true, let bucketMillis
        else {
            self.refuseCall(
                "\(outcome.name)(pipeline: \(String(reflecting: pipeline)), stage: \(String(reflecting: stage)), count: \(count), latency: \(latency.map { "\($0)" } ?? "nil"))"
            )
            return
        }
        let key = SeriesKey(pipeline: pipeline, stage: stage, outcome: outcome, bucketMillis: bucketMillis)
        let sealed = self.buffer.withLock { $0.record(key, count: UInt64(count), latencyMillis: latencyMillis) }
        if sealed { self.wake.yield() }
    }

    private func refuseCall(_ call: String) {
        self.buffer.withLock { $0.statistics.invalidCalls += 1 }
        let log = self.lifecycle.withLock { lifecycle -> Bool in
            lifecycle.invalidCallsLogged += 1
            return lifecycle.invalidCallsLogged <= 10
        }
        if log {
            self.logger.warning(
                "Funnel reporter ignored \(call): names must be 1-128 characters of [A-Za-z0-9_.:-], counts >= 1, latencies and depths >= 0"
            )
        }
    }

    // MARK: Running

    /// Sends batches until graceful shutdown or ``shutdown()``, then sends what is left.
    public func run() async throws {
        let start = self.lifecycle.withLock { lifecycle -> Bool in
            guard !lifecycle.running, !lifecycle.finished else { return false }
            lifecycle.running = true
            return true
        }
        guard start else { return }
        await withDiscardingTaskGroup { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: self.configuration.flushInterval)
                    self.wake.yield()
                }
            }
            await withGracefulShutdownHandler {
                var retryAt: ContinuousClock.Instant?
                for await _ in self.wakeups {
                    await self.sendDue(retryAt: &retryAt)
                }
            } onGracefulShutdown: {
                self.close()
            }
            group.cancelAll()
        }
        await self.drain()
        let waiters = self.lifecycle.withLock { lifecycle in
            lifecycle.finished = true
            lifecycle.running = false
            defer { lifecycle.waiters = [] }
            return lifecycle.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Stops taking events and sends what is left, for up to ``ReporterConfiguration/shutdownTimeout``.
    ///
    /// Returns when everything was confirmed or the time ran out; what could not be sent is counted in ``droppedEvents``.
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
        }
    }

    private func close() {
        self.buffer.withLock { $0.closed = true }
        self.wake.finish()
    }

    // MARK: Sending

    private enum Delivery {
        case confirmed(replayed: Bool)
        case retry(String)
        case refused(index: Int?, message: String)
    }

    /// Seals the aggregate and sends queued batches in order, unless a retry is not due yet.
    private func sendDue(retryAt: inout ContinuousClock.Instant?) async {
        self.buffer.withLock { $0.seal() }
        if let due = retryAt, ContinuousClock.now < due { return }
        while let batch = self.buffer.withLock({ $0.takeHead() }) {
            switch await self.deliver(batch, timeout: self.configuration.requestTimeout) {
            case .confirmed(let replayed):
                retryAt = nil
                self.confirm(replayed: replayed)
            case .retry(let problem):
                let attempt = self.buffer.withLock { $0.failHead() }
                let delay = self.configuration.backoff(attempt: attempt)
                retryAt = ContinuousClock.now + delay
                self.logRetry(problem, attempt: attempt, delay: delay)
                return
            case .refused(let index, let message):
                retryAt = nil
                self.buffer.withLock { $0.refuseHead(index: index) }
                self.logger.error("Funnel server refused reports; they are not counted", metadata: ["error": "\(message)"])
            }
        }
        await self.sendGauges()
    }

    /// Sends everything left, retrying until the shutdown timeout; drops and counts what is still unsent then.
    private func drain() async {
        let deadline = ContinuousClock.now + self.configuration.shutdownTimeout
        self.buffer.withLock { $0.seal() }
        while let batch = self.buffer.withLock({ $0.takeHead() }) {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                self.buffer.withLock { _ = $0.failHead() }
                break
            }
            switch await self.deliver(batch, timeout: min(self.configuration.requestTimeout, remaining)) {
            case .confirmed(let replayed):
                self.confirm(replayed: replayed)
            case .retry(let problem):
                let attempt = self.buffer.withLock { $0.failHead() }
                let delay = min(self.configuration.backoff(attempt: attempt), max(.zero, deadline - ContinuousClock.now))
                self.logRetry(problem, attempt: attempt, delay: delay)
                try? await Task.sleep(for: delay)
            case .refused(let index, let message):
                self.buffer.withLock { $0.refuseHead(index: index) }
                self.logger.error("Funnel server refused reports; they are not counted", metadata: ["error": "\(message)"])
            }
        }
        await self.sendGauges()
        let dropped = self.buffer.withLock { $0.dropAll() }
        if dropped > 0 {
            self.logger.error(
                "Funnel reporter shut down with \(dropped) events unsent: \(self.endpoint.server) did not confirm them within \(self.configuration.shutdownTimeout)"
            )
        }
    }

    private func deliver(_ batch: PendingBatch, timeout: Duration) async -> Delivery {
        do {
            let reply = try await self.endpoint.postReports(batch.body, idempotencyKey: batch.idempotencyKey, timeout: timeout)
            if reply.isAccepted { return .confirmed(replayed: reply.replayed) }
            if reply.isRetryable { return .retry("HTTP \(reply.status): \(reply.errorMessage ?? reply.body)") }
            return .refused(index: reply.errorIndex, message: reply.errorMessage ?? "HTTP \(reply.status): \(reply.body)")
        } catch {
            return .retry("\(error)")
        }
    }

    private func confirm(replayed: Bool) {
        let untold = self.buffer.withLock { $0.confirmHead(replayed: replayed) }
        if let untold {
            self.logger.warning(
                "Funnel reporter dropped \(untold.events) events in \(untold.batches) batches while \(self.endpoint.server) was unreachable: it holds at most \(self.configuration.maximumBufferedSeries) series",
                metadata: ["dropped_events_total": "\(self.droppedEvents)"]
            )
        }
    }

    private func logRetry(_ problem: String, attempt: Int, delay: Duration) {
        let metadata: Logger.Metadata = ["server": "\(self.endpoint.server)", "attempt": "\(attempt)", "retry_in": "\(delay)", "error": "\(problem)"]
        if attempt == 1 || attempt % 10 == 0 {
            self.logger.warning("Funnel server did not confirm a batch; retrying with the same Idempotency-Key", metadata: metadata)
        } else {
            self.logger.debug("Funnel server did not confirm a batch; retrying with the same Idempotency-Key", metadata: metadata)
        }
    }

    private func sendGauges() async {
        let readings = self.buffer.withLock { buffer -> [QueueDepthReport] in
            defer { buffer.gauges = [:] }
            return Array(buffer.gauges.values)
        }
        guard !readings.isEmpty else { return }
        // Depths carry their observation time and the newest wins, so a resend needs no Idempotency-Key.
        let body = ReportBodyWriter.body([], queueDepths: readings)
        let reply = try? await self.endpoint.postReports(body, idempotencyKey: nil, timeout: self.configuration.requestTimeout)
        if let reply, reply.isAccepted { return }
        if let reply, !reply.isRetryable {
            self.logger.error("Funnel server refused DLQ depths", metadata: ["error": "\(reply.errorMessage ?? reply.body)"])
            return
        }
        // No answer: keep the readings for the next flush unless newer ones arrived meanwhile.
        self.buffer.withLock { buffer in
            for reading in readings {
                let key = QueueKey(pipeline: reading.pipeline, queue: reading.queue)
                if buffer.gauges[key] == nil { buffer.gauges[key] = reading }
            }
        }
    }

    // MARK: Time

    private static func millis(_ date: Date) -> Double { date.timeIntervalSince1970 * 1000 }

    private static func millis(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
