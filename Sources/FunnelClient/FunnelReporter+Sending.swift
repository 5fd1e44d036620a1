import AsyncHTTPClient
import Foundation
import FunnelCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

extension FunnelReporter {
    // MARK: Running

    /// Sends batches until graceful shutdown or ``shutdown()``, then sends what is left.
    ///
    /// Throws at once, before sending anything, when the endpoint or the configuration cannot work
    /// (``IngestEndpointError``, ``ReporterConfigurationError``). Cancelled, it sends what is left once and returns.
    public func run() async throws {
        try self.endpoint.validate()
        try self.configuration.validate()
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
                    guard !Task.isCancelled else { break }
                    await self.sendDue(retryAt: &retryAt)
                    self.tellLosses(force: false)
                }
            } onGracefulShutdown: {
                self.close()
            }
            group.cancelAll()
        }
        if Task.isCancelled {
            self.close()
            await self.sendOnce(until: ContinuousClock.now + self.configuration.shutdownTimeout)
            self.buffer.withLock { $0.giveUpAll() }
        } else {
            await self.drain()
        }
        let waiters = self.lifecycle.withLock { lifecycle in
            lifecycle.finished = true
            lifecycle.running = false
            defer { lifecycle.waiters = [] }
            return lifecycle.waiters
        }
        self.settleFlushes()
        self.logSummary()
        for waiter in waiters { waiter.resume() }
    }

    // MARK: Sending

    /// What one attempt to send a batch came to.
    enum Delivery {
        case confirmed(replayed: Bool)
        /// No usable answer; `maybeDelivered` when the request may have reached the server.
        case failed(problem: String, maybeDelivered: Bool, tokenRefused: Bool)
        case refused(reason: String, index: Int?, message: String, serverMillis: Int64?)
        /// The reporter was cancelled while the request was out.
        case interrupted
    }

    /// Seals the aggregate and sends queued batches in order, unless a retry is not due yet.
    func sendDue(retryAt: inout ContinuousClock.Instant?) async {
        self.buffer.withLock { $0.seal() }
        if let due = retryAt, ContinuousClock.now < due { return }
        while let batch = self.buffer.withLock({ $0.takeHead() }) {
            let delivery = await self.deliver(batch, timeout: self.configuration.requestTimeout)
            switch delivery {
            case .confirmed(let replayed):
                retryAt = nil
                self.confirm(replayed: replayed)
            case .failed(let problem, let maybeDelivered, let tokenRefused):
                let failures = self.buffer.withLock { $0.failHead(problem: problem, maybeDelivered: maybeDelivered) }
                let delay = self.configuration.backoff(attempt: failures)
                retryAt = ContinuousClock.now + delay
                self.logFailure(problem, failures: failures, delay: delay, tokenRefused: tokenRefused)
                return
            case .refused(let reason, let index, let message, let serverMillis):
                retryAt = nil
                self.refuse(reason: reason, index: index, message: message, serverMillis: serverMillis)
            case .interrupted:
                _ = self.buffer.withLock { $0.failHead(problem: "cancelled", maybeDelivered: true, counts: false) }
                return
            }
            self.settleFlushes()
        }
        self.settleFlushes()
        await self.sendGauges()
        await self.sendWatermarks()
    }

    /// Sends everything left, retrying until the shutdown timeout; gives up on what is still unsent then.
    ///
    /// Cancelled meanwhile, it stops retrying and sends what is left once.
    func drain() async {
        let deadline = ContinuousClock.now + self.configuration.shutdownTimeout
        self.buffer.withLock { $0.seal() }
        while let batch = self.buffer.withLock({ $0.takeHead() }) {
            guard !Task.isCancelled else {
                _ = self.buffer.withLock { $0.failHead(problem: "cancelled", maybeDelivered: false, counts: false) }
                self.lifecycle.withLock { $0.cancelled = true }
                await self.sendOnce(until: deadline)
                break
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                _ = self.buffer.withLock { $0.failHead(problem: "shutdown timeout", maybeDelivered: false, counts: false) }
                break
            }
            switch await self.deliver(batch, timeout: min(self.configuration.requestTimeout, remaining)) {
            case .confirmed(let replayed):
                self.confirm(replayed: replayed)
            case .failed(let problem, let maybeDelivered, let tokenRefused):
                let failures = self.buffer.withLock { $0.failHead(problem: problem, maybeDelivered: maybeDelivered) }
                let delay = min(self.configuration.backoff(attempt: failures), max(.zero, deadline - ContinuousClock.now))
                self.logFailure(problem, failures: failures, delay: delay, tokenRefused: tokenRefused)
                try? await Task.sleep(for: delay)
            case .refused(let reason, let index, let message, let serverMillis):
                self.refuse(reason: reason, index: index, message: message, serverMillis: serverMillis)
            case .interrupted:
                _ = self.buffer.withLock { $0.failHead(problem: "cancelled", maybeDelivered: true, counts: false) }
            }
            self.settleFlushes()
        }
        if !Task.isCancelled { await self.sendGauges() }
        self.buffer.withLock { $0.giveUpAll() }
    }

    /// Sends each batch left once, without retrying, for a reporter that was cancelled: stops at the first attempt
    /// that gets no answer, since the server is not answering then.
    func sendOnce(until deadline: ContinuousClock.Instant) async {
        self.lifecycle.withLock { $0.cancelled = true }
        // The calling task is cancelled, and so would be every request it makes. The last attempts run in a task of
        // their own, which cancellation does not reach, awaited here and bounded by the shutdown timeout.
        await Task {
            self.buffer.withLock { $0.seal() }
            while let batch = self.buffer.withLock({ $0.takeHead() }) {
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else {
                    _ = self.buffer.withLock { $0.failHead(problem: "shutdown timeout", maybeDelivered: false, counts: false) }
                    return
                }
                switch await self.deliver(batch, timeout: min(self.configuration.requestTimeout, remaining)) {
                case .confirmed(let replayed):
                    self.confirm(replayed: replayed)
                case .refused(let reason, let index, let message, let serverMillis):
                    self.refuse(reason: reason, index: index, message: message, serverMillis: serverMillis)
                case .failed(let problem, let maybeDelivered, _):
                    _ = self.buffer.withLock { $0.failHead(problem: problem, maybeDelivered: maybeDelivered) }
                    return
                case .interrupted:
                    _ = self.buffer.withLock { $0.failHead(problem: "cancelled", maybeDelivered: true, counts: false) }
                    return
                }
            }
        }.value
    }

    func deliver(_ batch: PendingBatch, timeout: Duration) async -> Delivery {
        guard let body = batch.encoded?.body else { return .failed(problem: "no body", maybeDelivered: false, tokenRefused: false) }
        do {
            let reply = try await self.endpoint.postReports(body, idempotencyKey: batch.idempotencyKey, timeout: timeout)
            if reply.isAccepted { return .confirmed(replayed: reply.replayed) }
            if reply.isTokenRefused {
                self.buffer.withLock { $0.statistics.tokenRefusals += 1 }
                return .failed(problem: "the server refused the ingest token (HTTP \(reply.status)): \(reply.errorMessage ?? reply.body)", maybeDelivered: false, tokenRefused: true)
            }
            if reply.isRetryable { return .failed(problem: "HTTP \(reply.status): \(reply.errorMessage ?? reply.body)", maybeDelivered: false, tokenRefused: false) }
            let serverMillis = reply.serverDate.map { Int64(rounding: $0.timeIntervalSince1970 * 1000, .down) } ?? nil
            return .refused(
                reason: reply.errorReason ?? "http_\(reply.status)", index: reply.errorIndex, message: reply.errorMessage ?? "HTTP \(reply.status): \(reply.body)",
                serverMillis: serverMillis
            )
        } catch {
            if error is CancellationError || Task.isCancelled { return .interrupted }
            let (problem, maybeDelivered) = Self.describe(error, timeout: timeout)
            return .failed(problem: problem, maybeDelivered: maybeDelivered, tokenRefused: false)
        }
    }

    /// What went wrong in words, and whether the request may have reached the server: only a failed connection
    /// proves it did not.
    static func describe(_ error: any Error, timeout: Duration) -> (String, Bool) {
        if let error = error as? NIOConnectionError {
            let causes = error.connectionErrors.map { "\($0.error)" }
            return ("cannot connect to \(error.host):\(error.port): \(causes.first ?? "\(error)")", false)
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .getConnectionFromPoolTimeout: return ("cannot connect: \(error)", false)
            case .deadlineExceeded, .readTimeout: return ("no answer within \(timeout)", true)
            case .remoteConnectionClosed: return ("the connection closed before an answer", true)
            default: return ("\(error)", true)
            }
        }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return ("cannot connect: \(error)", false) }
        return ("\(error)", true)
    }

    func confirm(replayed: Bool) {
        let recovered = self.buffer.withLock { buffer -> Int in
            let failures = buffer.consecutiveFailures
            buffer.confirmHead(replayed: replayed)
            return failures
        }
        if recovered > 0 { self.logRecovery(after: recovered) }
    }

    func refuse(reason: String, index: Int?, message: String, serverMillis: Int64?) {
        let refusal = self.buffer.withLock { $0.refuseHead(reason: reason, index: index, serverMillis: serverMillis, message: message) }
        if refusal.split {
            self.logger.notice("Funnel server refused a batch as too large (\(reason)); sending it in two halves", metadata: ["error": "\(message)"])
        }
    }

    /// After a flush that left nothing unconfirmed: a watermark for every stage reported, at the earliest event
    /// time still gathered (or now) less the allowance. Watermarks only move forward, so a lost one needs no retry:
    /// the next flush sends a later one.
    private func sendWatermarks() async {
        guard let allowance = self.configuration.watermarkAllowance, !self.lifecycle.withLock({ $0.watermarksRefused }),
            let basis = self.buffer.withLock({ $0.watermarkBasis })
        else { return }
        let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
        let allowanceMillis = allowance.components.seconds * 1000 + allowance.components.attoseconds / 1_000_000_000_000_000
        let watermark = min(basis.earliestMillis ?? nowMillis, nowMillis) - allowanceMillis
        let reports = basis.stages.map {
            WatermarkReport(pipeline: $0.pipeline, stage: $0.stage, reporter: self.configuration.reporterID, watermarkMillis: watermark)
        }
        let reply = try? await self.endpoint.postReports(ReportBodyWriter.body([], watermarks: reports), idempotencyKey: nil, timeout: self.configuration.requestTimeout)
        if let reply, !reply.isAccepted, !reply.isRetryable {
            self.lifecycle.withLock { $0.watermarksRefused = true }
            self.logger.error("Funnel server refused watermarks; this reporter sends no more", metadata: ["error": "\(reply.errorMessage ?? reply.body)"])
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
}
