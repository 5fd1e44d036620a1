import Foundation
import FunnelServer
import Logging
import FunnelTesting
import Testing

/// The outbox's bound per receiver and the merging of superseded notifications, on a real SQLite file.
@Suite struct WebhookOutboxTests {
    static func entry(_ alarm: String, to receiver: String, key: String) -> OutboxEntry {
        OutboxEntry(receiver: receiver, alarm: alarm, idempotencyKey: key, body: Array(#"{"key":"\#(key)"}"#.utf8))
    }

    @Test(arguments: [2, 7, 500])
    func flappingAlarmLeavesOnlyItsNewestNotificationPerReceiver(flaps: Int) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FunnelStore(directory: directory.path, durability: .normal)
        for flap in 0..<flaps {
            let status = flap.isMultiple(of: 2) ? "firing" : "resolved"
            try await store.saveAlarms(
                [], deliveries: ["oncall", "chat"].map { Self.entry("orders-dlq", to: $0, key: "orders-\(flap)-\(status)") }, nowMillis: t0 + Int64(flap)
            )
        }
        try await store.saveAlarms([], deliveries: [Self.entry("payments-dlq", to: "oncall", key: "payments-0")], nowMillis: t0)
        let last = flaps - 1
        let lastStatus = last.isMultiple(of: 2) ? "firing" : "resolved"
        #expect(try await store.waitingDeliveries(receiver: "oncall").map(\.idempotencyKey) == ["orders-\(last)-\(lastStatus)", "payments-0"])
        #expect(try await store.waitingDeliveries(receiver: "chat").map(\.idempotencyKey) == ["orders-\(last)-\(lastStatus)"])
        #expect(try await store.outboxDepth() == 3)
        let dropped = store.outboxDropped()
        #expect(dropped["oncall"]?["superseded"] == UInt64(flaps - 1))
        #expect(dropped["chat"]?["superseded"] == UInt64(flaps - 1))
        #expect(dropped["oncall"]?["outbox_full"] == nil)
    }

    @Test func notificationsOfOneBatchMergeInOrder() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FunnelStore(directory: directory.path, durability: .normal)
        let batch = (0..<50).map { Self.entry("orders-dlq", to: "oncall", key: "k\($0)") }
        try await store.saveAlarms([], deliveries: batch, nowMillis: t0)
        #expect(try await store.waitingDeliveries(receiver: "oncall").map(\.idempotencyKey) == ["k49"])
        #expect(store.outboxDropped()["oncall"]?["superseded"] == 49)
    }

    @Test func notificationInFlightIsNeitherMergedNorDropped() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FunnelStore(directory: directory.path, durability: .normal, outboxLimitPerReceiver: 1)
        try await store.saveAlarms([], deliveries: [Self.entry("a", to: "oncall", key: "a-firing")], nowMillis: t0)
        let claimed = try #require(try await store.claimDueDelivery(receiver: "oncall", nowMillis: t0))
        #expect(claimed.idempotencyKey == "a-firing")
        #expect(claimed.alarm == "a")
        for key in ["a-resolved", "a-firing-2", "a-resolved-2"] {
            try await store.saveAlarms([], deliveries: [Self.entry("a", to: "oncall", key: key)], nowMillis: t0)
        }
        #expect(try await store.waitingDeliveries(receiver: "oncall").map(\.idempotencyKey) == ["a-firing", "a-resolved-2"])
        #expect(store.outboxDropped()["oncall"]?["superseded"] == 2)
        #expect(try await store.claimDueDelivery(receiver: "oncall", nowMillis: t0)?.idempotencyKey == "a-resolved-2")
        #expect(try await store.claimDueDelivery(receiver: "oncall", nowMillis: t0) == nil, "both are in flight")
    }

    @Test(arguments: [1, 10, 100])
    func boundPerReceiverDropsTheOldestAndCountsThem(limit: Int) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FunnelStore(directory: directory.path, durability: .normal, outboxLimitPerReceiver: limit)
        let alarms = limit * 3 + 5
        for index in 0..<alarms {
            try await store.saveAlarms([], deliveries: [Self.entry("alarm-\(index)", to: "oncall", key: "k\(index)")], nowMillis: t0)
            #expect(try await store.waitingDeliveries(receiver: "oncall").count <= limit)
        }
        try await store.saveAlarms([], deliveries: [Self.entry("alarm-0", to: "chat", key: "other")], nowMillis: t0)
        #expect(try await store.waitingDeliveries(receiver: "oncall").map(\.idempotencyKey) == ((alarms - limit)..<alarms).map { "k\($0)" })
        #expect(try await store.waitingDeliveries(receiver: "chat").count == 1, "one receiver's bound does not touch another's")
        #expect(store.outboxDropped()["oncall"]?["outbox_full"] == UInt64(alarms - limit))
        #expect(store.outboxDropped()["chat"] == nil)
    }

    @Test func boundIsReadFromTheConfiguration() throws {
        #expect(FunnelConfiguration().webhookMaximumOutboxPerReceiver == 1000)
        let configuration = try FunnelConfiguration(yaml: "webhook:\n  max_outbox_per_receiver: 25\n")
        #expect(configuration.webhookMaximumOutboxPerReceiver == 25)
        for refused in ["0", "-3", "many"] {
            #expect {
                _ = try FunnelConfiguration(yaml: "webhook:\n  max_outbox_per_receiver: \(refused)\n", file: "funnel.yml")
            } throws: { error in
                (error as? ConfigurationError)?.key == "webhook.max_outbox_per_receiver"
            }
        }
    }

    @Test func outboxSurvivesARestartAndKeepsMergingAfterIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let store = try FunnelStore(directory: directory.path, durability: .normal)
            try await store.saveAlarms([], deliveries: [Self.entry("a", to: "oncall", key: "a-1"), Self.entry("b", to: "oncall", key: "b-1")], nowMillis: t0)
        }
        let reopened = try FunnelStore(directory: directory.path, durability: .normal)
        #expect(try await reopened.waitingDeliveries(receiver: "oncall").map(\.idempotencyKey) == ["a-1", "b-1"])
        #expect(try await reopened.waitingDeliveries(receiver: "oncall").map(\.alarm) == ["a", "b"])
        try await reopened.saveAlarms([], deliveries: [Self.entry("a", to: "oncall", key: "a-2")], nowMillis: t0)
        #expect(try await reopened.waitingDeliveries(receiver: "oncall").map(\.idempotencyKey) == ["b-1", "a-2"])
    }

    @Test func migrationKeepsRowsQueuedBeforeTheAlarmColumn() async throws {
        let sqlite = try RequiredTool("sqlite3", package: "sqlite3")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The outbox as the v2 schema left it, with one notification waiting.
        let schema = """
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations VALUES ('v1'), ('v2-alarms');
            CREATE TABLE webhook_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT, receiver TEXT NOT NULL, idempotency_key TEXT NOT NULL,
                body BLOB NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER NOT NULL,
                created_ms INTEGER NOT NULL, last_error TEXT, UNIQUE (receiver, idempotency_key));
            CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_ms);
            INSERT INTO webhook_outbox (receiver, idempotency_key, body, next_attempt_ms, created_ms) VALUES ('oncall', 'old-1', X'7B7D', 0, 0);
            """
        let created = try sqlite.run([directory.file("funnel.sqlite"), schema])
        #expect(created.status == 0, "\(created.output)")
        let store = try FunnelStore(directory: directory.path, durability: .normal)
        let kept = try await store.waitingDeliveries(receiver: "oncall")
        #expect(kept.map(\.idempotencyKey) == ["old-1"])
        #expect(kept.first?.alarm == nil)
        #expect(kept.first?.body == Array("{}".utf8))
        try await store.saveAlarms([], deliveries: [Self.entry("a", to: "oncall", key: "a-1")], nowMillis: t0)
        #expect(try await store.waitingDeliveries(receiver: "oncall").map(\.idempotencyKey) == ["old-1", "a-1"])
    }
}

/// The alarm service queueing real notifications while an alarm flaps.
@Suite struct AlarmOutboxTests {
    @Test func flappingDepthReportsLeaveOneWaitingNotificationPerReceiver() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = try FunnelConfiguration(yaml: """
            data_dir: \(directory.path)
            receivers:
              - {name: oncall, type: generic, url: "http://127.0.0.1:1/hook"}
              - {name: chat, type: slack, url: "http://127.0.0.1:1/hook"}
            alarms:
              - {name: orders-dlq, kind: dlq_depth, pipeline: orders, queue: orders-dlq, above: 100, clear_below: 80, for: 0s, receivers: [oncall, chat]}
              - {name: billing-dlq, kind: dlq_depth, pipeline: billing, queue: billing-dlq, above: 100, for: 0s, receivers: [oncall]}
            """)
        let clock = ManualClock(millis: t0)
        let store = try FunnelStore(directory: directory.path, durability: .normal)
        let intake = try ReportIntake(configuration: configuration, store: store, clock: clock.closure)
        var logger = Logger(label: "alarm-outbox-test")
        logger.logLevel = .critical
        let alarms = try AlarmService(
            rules: configuration.alarms, receivers: configuration.receivers, intake: intake, store: store, interval: .seconds(1), externalURL: "http://funnel",
            wakeup: Wakeup(), sender: Wakeup(), logger: logger
        )
        func depth(_ pipeline: String, _ value: Int) async throws {
            _ = try await intake.ingest(body: Array(#"{"pipeline":"\#(pipeline)","queue":"\#(pipeline)-dlq","depth":\#(value)}"#.utf8), idempotencyKey: nil)
            clock.advance(byMillis: 1000)
            await alarms.evaluateOnce()
        }
        let flaps = 100
        try await withRunning(intake.committer) {
            try await depth("billing", 500)
            for _ in 0..<flaps {
                try await depth("orders", 340)
                try await depth("orders", 10)
            }
        }
        let oncall = try await store.waitingDeliveries(receiver: "oncall")
        let chat = try await store.waitingDeliveries(receiver: "chat")
        #expect(oncall.compactMap(\.alarm).sorted() == ["billing-dlq", "orders-dlq"])
        #expect(chat.compactMap(\.alarm) == ["orders-dlq"])
        #expect(oncall.first { $0.alarm == "orders-dlq" }?.idempotencyKey.contains("resolved") == true, "the newest state change waits")
        #expect(try await store.outboxDepth() == 3)
        // Each flap queues a firing and a resolved notification per receiver; all but the last were superseded.
        #expect(store.outboxDropped()["oncall"]?["superseded"] == UInt64(2 * flaps - 1))
        #expect(store.outboxDropped()["chat"]?["superseded"] == UInt64(2 * flaps - 1))
    }
}
