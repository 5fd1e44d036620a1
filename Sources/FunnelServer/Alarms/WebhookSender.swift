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
/// until it succeeds, is refused for good or runs out of attempts. Deliveries stay in SQLite until then.
///
/// Each receiver has a lane of its own with one delivery in flight, so a receiver that hangs delays nobody else.
/// Redirects are never followed (a `3xx` is a failed attempt); a permanent `4xx` is `rejected` and not retried.
/// An Alertmanager cluster gets a lane per member (`NAME/1`, `NAME/2`, ...), so each is posted to on its own.
public final class WebhookSender: Service, Sendable {
    let store: FunnelStore
    /// The delivery lanes by name; replaced on reload, when lanes of removed or changed receivers end and new ones start.
    private let receivers: Mutex<[String: WebhookReceiver]>
    /// Per-attempt timeout, attempts and backoff range; replaced on reload, read at each attempt.
    private let timing: Mutex<DeliveryTiming>

    /// How deliveries are attempted (`webhook.*`).
    struct DeliveryTiming: Sendable {
        var timeout: Duration
        var maximumAttempts: Int
        var initialBackoffSeconds: Double
        var maximumBackoffSeconds: Double

        init(timeoutSeconds: Double, maximumAttempts: Int, initialBackoffSeconds: Double, maximumBackoffSeconds: Double) {
            self.timeout = .checkedSeconds(timeoutSeconds) ?? .seconds(10)
            self.maximumAttempts = maximumAttempts
            self.initialBackoffSeconds = initialBackoffSeconds
            self.maximumBackoffSeconds = maximumBackoffSeconds
        }
    }
    let clock: @Sendable () -> Int64
    let logger: Logger
    /// Signalled when new deliveries are queued; wakes every receiver's lane.
    public let wakeup: Wakeup
    private let counters = Mutex(WebhookCounters())

    /// How much of a refusing receiver's answer is logged.
    static let loggedBodyBytes = 512
    /// How much of an answer is read before the connection is given up.
    static let readBodyBytes = 64 * 1024

    public init(
        store: FunnelStore, receivers: [WebhookReceiver], timeoutSeconds: Double, maximumAttempts: Int,
        initialBackoffSeconds: Double, maximumBackoffSeconds: Double, clock: @escaping @Sendable () -> Int64,
        wakeup: Wakeup, logger: Logger
    ) {
        self.store = store
        self.receivers = Mutex(Self.lanes(of: receivers))
        self.timing = Mutex(
            DeliveryTiming(
                timeoutSeconds: timeoutSeconds, maximumAttempts: maximumAttempts, initialBackoffSeconds: initialBackoffSeconds,
                maximumBackoffSeconds: maximumBackoffSeconds
            )
        )
        self.clock = clock
        self.wakeup = wakeup
        self.logger = logger
    }

    /// Every delivery lane of `receivers` by name: one per receiver, one per member of an Alertmanager cluster.
    static func lanes(of receivers: [WebhookReceiver]) -> [String: WebhookReceiver] {
        Dictionary(uniqueKeysWithValues: receivers.flatMap(\.deliveryLanes).map { ($0.name, $0) })
    }

    /// Delivery counts per receiver and result, what the outbox dropped, and the outbox depth.
    public func currentCounters() async -> WebhookCounters {
        var counters = self.counters.withLock { $0 }
        for (receiver, reasons) in self.store.outboxDropped() {
            for (reason, count) in reasons { counters.countDropped(receiver: receiver, reason: reason, count) }
        }
        counters.include(receivers: self.receivers.withLock { $0.keys })
        counters.outboxDepth = (try? await self.store.outboxDepth()) ?? 0
        return counters
    }

    public func run() async throws {
        let configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        await self.removeUnknownReceivers()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                // One lane per receiver; a reload signals `wakeup`, which ends the lanes of receivers that changed
                // or went and starts lanes for new ones.
                var lanes: [String: (receiver: WebhookReceiver, wakeup: Wakeup)] = [:]
                while !Task.isCancelled {
                    let wanted = self.receivers.withLock { $0 }
                    for (name, lane) in lanes where wanted[name] != lane.receiver {
                        lanes[name] = nil
                        lane.wakeup.signal()
                    }
                    for (name, receiver) in wanted.sorted(by: { $0.key < $1.key }) where lanes[name] == nil {
                        let wakeup = Wakeup()
                        lanes[name] = (receiver, wakeup)
                        group.addTask { await self.runLane(receiver, wakeup: wakeup, client: client) }
                    }
                    for lane in lanes.values { lane.wakeup.signal() }
                    await self.wakeup.wait(upTo: .seconds(3600))
                }
            }
        }
        try await client.shutdown()
    }

    /// Delivers `receiver`'s notifications one at a time, oldest due first, until cancelled.
    private func runLane(_ receiver: WebhookReceiver, wakeup: Wakeup, client: HTTPClient) async {
        while !Task.isCancelled, self.receivers.withLock({ $0[receiver.name] }) == receiver {
            var wait = Duration.seconds(1)
            do {
                while !Task.isCancelled, let delivery = try await self.store.claimDueDelivery(receiver: receiver.name, nowMillis: self.clock()) {
                    await self.deliver(delivery, to: receiver, client: client)
                }
                if let next = try await self.store.nextDeliveryMillis(receiver: receiver.name) {
                    wait = .milliseconds(max(0, min(1000, next - self.clock())))
                }
            } catch where !Task.isCancelled {
                self.logger.error("webhook outbox failed", metadata: ["receiver": "\(receiver.name)", "error": "\(error)"])
            } catch {
                return
            }
            await wakeup.wait(upTo: wait)
        }
    }

    /// Drops what waits for receivers no longer configured: nothing can deliver it any more.
    private func removeUnknownReceivers() async {
        do {
            for (receiver, count) in try await self.store.removeDeliveries(notTo: Set(self.receivers.withLock { $0.keys })) {
                self.count(receiver, "failure", UInt64(count))
                self.logger.warning("webhook notifications dropped: receiver no longer configured", metadata: ["receiver": "\(receiver)", "count": "\(count)"])
            }
        } catch where !Task.isCancelled {
            self.logger.error("webhook outbox failed", metadata: ["error": "\(error)"])
        } catch {}
    }

    private func deliver(_ delivery: WebhookDelivery, to receiver: WebhookReceiver, client: HTTPClient) async {
        let answer: WebhookAnswer
        do {
            let timeout = self.timing.withLock { $0.timeout }
            let response = try await client.execute(self.request(for: delivery, to: receiver), timeout: .init(timeout))
            answer = WebhookAnswer(
                status: Int(response.status.code), location: response.headers.first(name: "Location"),
                excerpt: await Self.excerpt(of: response.body)
            )
        } catch {
            if Task.isCancelled {
                self.store.releaseDelivery(id: delivery.id)
                return
            }
            answer = WebhookAnswer(error: "\(error)")
        }
        let metadata: Logger.Metadata = ["receiver": "\(receiver.name)", "url": "\(receiver.redactedURL)", "key": "\(delivery.idempotencyKey)"]
        switch answer.verdict {
        case .delivered:
            try? await self.store.removeDelivery(id: delivery.id)
            self.count(receiver.name, "success")
        case .rejected:
            try? await self.store.removeDelivery(id: delivery.id)
            self.count(receiver.name, "rejected")
            self.logger.error(
                "webhook notification rejected by the receiver, not retried",
                metadata: metadata.merging(["status": "\(answer.status ?? 0)", "body": "\(answer.excerpt)"]) { $1 }
            )
        case .failed:
            await self.retry(delivery, problem: answer.problem, metadata: metadata)
        }
    }

    private func retry(_ delivery: WebhookDelivery, problem: String, metadata: Logger.Metadata) async {
        let attempts = delivery.attempts + 1
        let timing = self.timing.withLock { $0 }
        if attempts >= timing.maximumAttempts {
            try? await self.store.removeDelivery(id: delivery.id)
            self.count(delivery.receiver, "failure")
            self.logger.error("webhook delivery abandoned", metadata: metadata.merging(["attempts": "\(attempts)", "error": "\(problem)"]) { $1 })
            return
        }
        let backoff = min(timing.maximumBackoffSeconds, timing.initialBackoffSeconds * pow(2, Double(min(attempts - 1, 62))))
        let jitteredMillis = Int64(millisecondsFromSeconds: backoff * Double.random(in: 0.5...1)) ?? 1000
        try? await self.store.rescheduleDelivery(
            id: delivery.id, attempts: attempts, nextAttemptMillis: self.clock() &+ jitteredMillis, error: problem
        )
        self.count(delivery.receiver, "retry")
        self.logger.warning("webhook delivery failed, will retry", metadata: metadata.merging(["attempt": "\(attempts)", "error": "\(problem)"]) { $1 })
    }

    private func request(for delivery: WebhookDelivery, to receiver: WebhookReceiver) -> HTTPClientRequest {
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
        return request
    }

    /// The first ``loggedBodyBytes`` of an answer, printable; reads at most ``readBodyBytes``.
    private static func excerpt(of body: HTTPClientResponse.Body) async -> String {
        var kept: [UInt8] = []
        var read = 0
        do {
            for try await chunk in body {
                if kept.count < Self.loggedBodyBytes { kept += chunk.readableBytesView.prefix(Self.loggedBodyBytes - kept.count) }
                read += chunk.readableBytes
                if read >= Self.readBodyBytes { break }
            }
        } catch {}
        let text = String(decoding: kept, as: UTF8.self)
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }

    private func count(_ receiver: String, _ result: String, _ times: UInt64 = 1) {
        self.counters.withLock { $0.count(receiver: receiver, result: result, times) }
    }
}

extension WebhookSender: ConfigurationReloadable {
    /// Takes the reloaded receivers and `webhook.*` timing: what waits for a removed receiver is dropped (and
    /// counted), a changed one is delivered to with its new URL and secret from the next attempt on.
    public func apply(_ configuration: FunnelConfiguration) async -> [String] {
        self.receivers.withLock { $0 = Self.lanes(of: configuration.receivers) }
        self.timing.withLock {
            $0 = DeliveryTiming(
                timeoutSeconds: configuration.webhookTimeoutSeconds, maximumAttempts: configuration.webhookMaximumAttempts,
                initialBackoffSeconds: configuration.webhookInitialBackoffSeconds, maximumBackoffSeconds: configuration.webhookMaximumBackoffSeconds
            )
        }
        await self.removeUnknownReceivers()
        self.wakeup.signal()
        return []
    }
}
