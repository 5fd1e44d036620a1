import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import Logging
import Synchronization
import Testing

/// The webhook sender against real loopback receivers and a real SQLite outbox.
@Suite struct WebhookSenderTests {
    /// Runs a sender over `store` for `receivers` while `body` runs, then shuts it down.
    static func withSender(
        _ receivers: [WebhookReceiver], store: FunnelStore, timeoutSeconds: Double = 5, maximumAttempts: Int = 3,
        log: RecordedLog = RecordedLog(), _ body: (WebhookSender) async throws -> Void
    ) async throws {
        let logger = Logger(label: "webhook-sender-test") { _ in RecordingLogHandler(log: log) }
        let sender = WebhookSender(
            store: store, receivers: receivers, timeoutSeconds: timeoutSeconds, maximumAttempts: maximumAttempts,
            initialBackoffSeconds: 0.01, maximumBackoffSeconds: 0.02, clock: wallClockMillis, wakeup: Wakeup(), logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sender.run() }
            try await body(sender)
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    /// Queues one notification of `alarm` for `receiver` and wakes the sender.
    static func queue(_ alarm: String, to receiver: String, key: String, store: FunnelStore, sender: WebhookSender? = nil) async throws {
        let body = Array(#"{"alarm":"\#(alarm)","key":"\#(key)"}"#.utf8)
        try await store.saveAlarms([], deliveries: [OutboxEntry(receiver: receiver, alarm: alarm, idempotencyKey: key, body: body)], nowMillis: wallClockMillis())
        sender?.wakeup.signal()
    }

    static func result(_ sender: WebhookSender, _ receiver: String, _ result: String) async -> UInt64 {
        await sender.currentCounters().deliveries[receiver]?[result] ?? 0
    }

    // MARK: Redirects

    @Test(arguments: [301, 302, 303, 307, 308])
    func redirectIsAFailedAttemptAndNeverFollowed(status: Int) async throws {
        let elsewhere = try await ScriptedWebhookReceiver()
        let redirecting = try await ScriptedWebhookReceiver(status: status, headers: ["Location": elsewhere.url + "/stolen"])
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FunnelStore(directory: directory.path)
        let receiver = WebhookReceiver(name: "oncall", format: .generic, url: redirecting.url + "/hook", secret: "s3cret")
        let log = RecordedLog()
        try await Self.withSender([receiver], store: store, maximumAttempts: 3, log: log) { sender in
            try await Self.queue("orders-dlq", to: "oncall", key: "k1", store: store, sender: sender)
            #expect(try await eventually { await Self.result(sender, "oncall", "failure") == 1 })
            #expect(await Self.result(sender, "oncall", "retry") == 2)
            #expect(await Self.result(sender, "oncall", "success") == 0)
        }
        #expect(redirecting.received.count == 3, "every attempt reaches the redirecting receiver")
        #expect(redirecting.received.allSatisfy { $0.method == "POST" && $0.path == "/hook" && $0.idempotencyKey == "k1" })
        #expect(elsewhere.received.isEmpty, "the redirect target got \(elsewhere.received.map { "\($0.method) \($0.path)" })")
        let failures = log.entries.filter { $0.message.hasPrefix("webhook delivery") }
        #expect(failures.count == 3)
        #expect(failures.allSatisfy { $0.metadata["error"]?.contains("HTTP \(status) redirect to \(elsewhere.url)/stolen") == true }, "\(failures)")
        #expect(try await store.outboxDepth() == 0)
        await redirecting.stop()
        await elsewhere.stop()
    }

    // MARK: Receivers are independent

    @Test func hungReceiverDelaysNoOtherReceiver() async throws {
        let hung = try await SilentListener.start()
        let healthy = try await ScriptedWebhookReceiver()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FunnelStore(directory: directory.path)
        let receivers = [
            WebhookReceiver(name: "hung", format: .generic, url: "http://127.0.0.1:\(hung.port)/hook"),
            WebhookReceiver(name: "healthy", format: .generic, url: healthy.url + "/hook"),
        ]
        try await Self.withSender(receivers, store: store, timeoutSeconds: 30) { sender in
            try await Self.queue("a", to: "hung", key: "hung-1", store: store, sender: sender)
            try await Self.queue("a", to: "healthy", key: "healthy-1", store: store, sender: sender)
            #expect(try await eventually { healthy.received.count == 1 })
            // Queued while the hung receiver still holds its first notification: each arrives without waiting for it.
            for index in 2...5 {
                try await Self.queue("alarm-\(index)", to: "healthy", key: "healthy-\(index)", store: store, sender: sender)
                #expect(try await eventually(timeout: .seconds(10)) { healthy.received.count == index }, "notification \(index) waited")
            }
            let hungCounters = await sender.currentCounters().deliveries["hung"] ?? [:]
            #expect(hungCounters.values.reduce(0, +) == 0, "the hung receiver's attempt is still in flight: \(hungCounters)")
            #expect(try await store.waitingDeliveries(receiver: "hung").map(\.idempotencyKey) == ["hung-1"])
            #expect(try await eventually { await Self.result(sender, "healthy", "success") == 5 })
        }
        #expect(healthy.received.map(\.idempotencyKey) == ["healthy-1", "healthy-2", "healthy-3", "healthy-4", "healthy-5"])
        await hung.stop()
        await healthy.stop()
    }

    // MARK: Permanent refusals

    @Test(arguments: [400, 401, 403, 404, 410, 422])
    func permanentRefusalIsRejectedOnceAndNotRetried(status: Int) async throws {
        let refusing = try await ScriptedWebhookReceiver(status: status, body: "invalid_payload " + String(repeating: "x", count: 4000))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FunnelStore(directory: directory.path)
        let receiver = WebhookReceiver(name: "chat", format: .slack, url: refusing.url + "/hook")
        let log = RecordedLog()
        try await Self.withSender([receiver], store: store, maximumAttempts: 5, log: log) { sender in
            try await Self.queue("orders-dlq", to: "chat", key: "k1", store: store, sender: sender)
            #expect(try await eventually { await Self.result(sender, "chat", "rejected") == 1 })
            #expect(try await store.outboxDepth() == 0, "a rejected notification is not kept for another attempt")
            #expect(await Self.result(sender, "chat", "retry") == 0)
            #expect(await Self.result(sender, "chat", "failure") == 0)
            // A second notification is still sent: only the refused one is given up.
            try await Self.queue("other", to: "chat", key: "k2", store: store, sender: sender)
            #expect(try await eventually { await Self.result(sender, "chat", "rejected") == 2 })
        }
        #expect(refusing.received.map(\.idempotencyKey) == ["k1", "k2"])
        let rejections = log.entries.filter { $0.message.contains("rejected") }
        #expect(rejections.map { $0.metadata["key"] } == ["k1", "k2"], "logged once per notification")
        #expect(rejections.allSatisfy { $0.level == .error && $0.metadata["status"] == "\(status)" })
        let excerpt = "invalid_payload " + String(repeating: "x", count: 512 - 16)
        #expect(rejections.allSatisfy { $0.metadata["body"] == excerpt }, "the first 512 bytes of the answer")
        await refusing.stop()
    }

    @Test(arguments: [408, 429, 500, 503, 301])
    func transientFailureIsRetriedUntilTheLastAttempt(status: Int) async throws {
        let failing = try await ScriptedWebhookReceiver(status: status, headers: status == 301 ? ["Location": "http://127.0.0.1:1/"] : [:])
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FunnelStore(directory: directory.path)
        let receiver = WebhookReceiver(name: "chat", format: .slack, url: failing.url + "/hook")
        try await Self.withSender([receiver], store: store, maximumAttempts: 4) { sender in
            try await Self.queue("orders-dlq", to: "chat", key: "k1", store: store, sender: sender)
            #expect(try await eventually { await Self.result(sender, "chat", "failure") == 1 })
            #expect(await Self.result(sender, "chat", "retry") == 3)
            #expect(await Self.result(sender, "chat", "rejected") == 0)
        }
        #expect(failing.received.count == 4)
        await failing.stop()
    }

    @Test func connectionRefusedIsRetried() async throws {
        let gone = try await ScriptedWebhookReceiver()
        let url = gone.url
        await gone.stop()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FunnelStore(directory: directory.path)
        // The client keeps trying to connect until the attempt's timeout, so each attempt lasts about a second.
        let receivers = [WebhookReceiver(name: "gone", format: .generic, url: url)]
        try await Self.withSender(receivers, store: store, timeoutSeconds: 1, maximumAttempts: 3) { sender in
            try await Self.queue("a", to: "gone", key: "k1", store: store, sender: sender)
            // Three attempts of up to a second each with backoff between them: generous for a loaded machine.
            #expect(try await eventually(timeout: .seconds(60)) { await Self.result(sender, "gone", "failure") == 1 })
            #expect(await Self.result(sender, "gone", "retry") == 2)
        }
    }

    // MARK: Metrics

    @Test func countersShowEveryReceiverAndDropReasonFromTheStart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FunnelStore(directory: directory.path)
        try await Self.withSender([WebhookReceiver(name: "oncall", format: .generic, url: "http://127.0.0.1:1/")], store: store) { sender in
            let text = String(decoding: await ExpositionWriter.render([sender], format: .prometheusText), as: UTF8.self)
            for result in ["success", "retry", "failure", "rejected"] {
                #expect(text.contains(#"funnel_webhook_deliveries_total{receiver="oncall",result="\#(result)"} 0"#))
            }
            #expect(text.contains("# TYPE funnel_webhook_notifications_dropped_total counter"))
            #expect(text.contains(#"funnel_webhook_notifications_dropped_total{receiver="oncall",reason="superseded"} 0"#))
            #expect(text.contains(#"funnel_webhook_notifications_dropped_total{receiver="oncall",reason="outbox_full"} 0"#))
        }
    }
}

/// Log entries a test collects.
final class RecordedLog: Sendable {
    /// One log call: its level, message and metadata as text.
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let recorded = Mutex<[Entry]>([])

    /// Everything logged so far.
    var entries: [Entry] { self.recorded.withLock { $0 } }

    func append(_ entry: Entry) {
        self.recorded.withLock { $0.append(entry) }
    }
}

/// Sends every log call to a ``RecordedLog``.
private struct RecordingLogHandler: LogHandler {
    let log: RecordedLog
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let metadata = self.metadata.merging(event.metadata ?? [:]) { $1 }.mapValues { "\($0)" }
        self.log.append(RecordedLog.Entry(level: event.level, message: "\(event.message)", metadata: metadata))
    }
}
