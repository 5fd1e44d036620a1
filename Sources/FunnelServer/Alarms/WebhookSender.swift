import AsyncHTTPClient
import Crypto
import Foundation
public import FunnelCore
public import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle
import Synchronization

/// Delivers the outbox: POSTs each notification to its receiver, retrying with exponential backoff and jitter
/// until it succeeds or runs out of attempts. Deliveries stay in SQLite until acknowledged with a 2xx.
public final class WebhookSender: Service, Sendable {
    let store: FunnelStore
    let receivers: [String: WebhookReceiver]
    let timeoutMillis: Int64
    let maximumAttempts: Int
    let initialBackoffSeconds: Double
    let maximumBackoffSeconds: Double
    let clock: @Sendable () -> Int64
    let logger: Logger
    /// Signalled when new deliveries are queued.
    public let wakeup: Wakeup
    private let counters = Mutex(WebhookCounters())

    public init(
        store: FunnelStore, receivers: [WebhookReceiver], timeoutSeconds: Double, maximumAttempts: Int,
        initialBackoffSeconds: Double, maximumBackoffSeconds: Double, clock: @escaping @Sendable () -> Int64,
        wakeup: Wakeup, logger: Logger
    ) {
        self.store = store
        self.receivers = Dictionary(uniqueKeysWithValues: receivers.map { ($0.name, $0) })
        self.timeoutMillis = Int64(millisecondsFromSeconds: timeoutSeconds) ?? 10_000
        self.maximumAttempts = maximumAttempts
        self.initialBackoffSeconds = initialBackoffSeconds
        self.maximumBackoffSeconds = maximumBackoffSeconds
        self.clock = clock
        self.wakeup = wakeup
        self.logger = logger
    }

    /// Delivery counts per receiver and result, and the outbox depth.
    public func currentCounters() async -> WebhookCounters {
        var counters = self.counters.withLock { $0 }
        counters.outboxDepth = (try? await self.store.outboxDepth()) ?? 0
        return counters
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var wait = Duration.seconds(1)
                do {
                    try await self.deliverDue()
                    if let next = try await self.store.nextDeliveryMillis() {
                        wait = .milliseconds(max(0, min(1000, next - self.clock())))
                    }
                } catch {
                    self.logger.error("webhook outbox failed", metadata: ["error": "\(error)"])
                }
                await self.wakeup.wait(upTo: wait)
            }
        }
    }

    /// Sends every delivery that is due now.
    func deliverDue() async throws {
        let due = try await self.store.dueDeliveries(nowMillis: self.clock())
        await withTaskGroup(of: Void.self) { group in
            for delivery in due {
                group.addTask { await self.deliver(delivery) }
            }
        }
    }

    private func deliver(_ delivery: WebhookDelivery) async {
        guard let receiver = self.receivers[delivery.receiver] else {
            // The receiver is gone from the configuration: nothing can deliver this any more.
            try? await self.store.removeDelivery(id: delivery.id)
            self.count(delivery.receiver, "failure")
            return
        }
        var request = HTTPClientRequest(url: receiver.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "funnel/\(FunnelVersion.current)")
        request.headers.add(name: "Idempotency-Key", value: delivery.idempotencyKey)
        if let secret = receiver.secret {
            let signature = HMAC<SHA256>.authenticationCode(for: delivery.body, using: SymmetricKey(data: Data(secret.utf8)))
            request.headers.add(name: "X-Funnel-Signature", value: "sha256=" + signature.map { String(format: "%02x", $0) }.joined())
        }
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        let problem: String
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(self.timeoutMillis))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(Int(response.status.code)) {
                try? await self.store.removeDelivery(id: delivery.id)
                self.count(receiver.name, "success")
                return
            }
            problem = "HTTP \(response.status.code)"
        } catch {
            problem = "\(error)"
        }
        let attempts = delivery.attempts + 1
        if attempts >= self.maximumAttempts {
            try? await self.store.removeDelivery(id: delivery.id)
            self.count(receiver.name, "failure")
            self.logger.error(
                "webhook delivery abandoned",
                metadata: ["receiver": "\(receiver.name)", "url": "\(receiver.redactedURL)", "attempts": "\(attempts)", "error": "\(problem)"]
            )
            return
        }
        let backoff = min(self.maximumBackoffSeconds, self.initialBackoffSeconds * pow(2, Double(attempts - 1)))
        let jittered = backoff * Double.random(in: 0.5...1)
        try? await self.store.rescheduleDelivery(
            id: delivery.id, attempts: attempts, nextAttemptMillis: self.clock() + (Int64(millisecondsFromSeconds: jittered) ?? 1000), error: problem
        )
        self.count(receiver.name, "retry")
        self.logger.warning(
            "webhook delivery failed, will retry",
            metadata: ["receiver": "\(receiver.name)", "url": "\(receiver.redactedURL)", "attempt": "\(attempts)", "error": "\(problem)"]
        )
    }

    private func count(_ receiver: String, _ result: String) {
        self.counters.withLock { $0.count(receiver: receiver, result: result) }
    }
}
