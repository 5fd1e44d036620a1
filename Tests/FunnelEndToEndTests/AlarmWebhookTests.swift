import Crypto
import Foundation
import FunnelTesting
import Testing

/// Alarms end to end: the real `funnel serve` with a config, a real HTTP receiver capturing what arrives.
@Suite struct AlarmWebhookTests {
    static func config(receiver: String, dataDirectory: String, timeout: String = "2s") -> String {
        """
        data_dir: \(dataDirectory)
        evaluation_interval: 200ms
        webhook:
          timeout: \(timeout)
          max_attempts: 50
          initial_backoff: 100ms
          max_backoff: 400ms
        receivers:
          - name: oncall
            type: generic
            url: \(receiver)/generic
            secret: change-me
          - name: chat
            type: slack
            url: \(receiver)/slack
          - name: gamers
            type: discord
            url: \(receiver)/discord
          - name: office
            type: msteams
            url: \(receiver)/teams
        alarms:
          - name: orders-dlq
            kind: dlq_depth
            pipeline: orders
            queue: orders-dlq
            above: 100
            clear_below: 80
            for: 0s
            receivers: [oncall, chat, gamers, office]
            send_resolved: true
            labels:
              severity: page
            annotations:
              runbook_url: https://runbooks.example/orders-dlq
        """
    }

    static func depth(_ value: Int) -> String {
        #"{"pipeline":"orders","queue":"orders-dlq","depth":\#(value)}"#
    }

    static func alarm(_ url: String) async throws -> [String: Any] {
        let json = try await TestHTTP.get(url + "/api/v1/alarms").json() as? [String: Any]
        return (json?["alarms"] as? [[String: Any]])?.first ?? [:]
    }

    /// Waits until the alarm has evaluated the depth just posted.
    static func awaitValue(_ url: String, _ value: Double) async throws {
        _ = try await Deadline.poll("alarm to see depth \(value)") { () -> Bool? in
            try await alarm(url)["value"] as? Double == value ? true : nil
        }
    }

    @Test func depthCrossingTheThresholdFiresOncePerReceiverAndClearingResolves() async throws {
        let receiver = try await CapturingWebhookReceiver()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(Self.config(receiver: receiver.url, dataDirectory: directory.file("data")), to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }

        #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(340)).status == 202)
        let firing = try await Deadline.poll("one firing notification per receiver") { receiver.captures.count >= 4 ? receiver.captures : nil }
        // Delivery is at least once: a receiver slower than the webhook timeout gets a retry with the same key.
        let byPath = Dictionary(firing.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(Set(byPath.keys) == ["/generic", "/slack", "/discord", "/teams"])
        for capture in firing {
            #expect(capture.headers["idempotency-key"] == byPath[capture.path]?.headers["idempotency-key"], "a retry to \(capture.path) carries a new key")
        }

        let generic = try #require(byPath["/generic"])
        #expect(generic.json["version"] as? String == "4")
        #expect(generic.json["status"] as? String == "firing")
        let alert = try #require((generic.json["alerts"] as? [[String: Any]])?.first)
        let labels = try #require(alert["labels"] as? [String: String])
        #expect(labels["alertname"] == "orders-dlq")
        #expect(labels["queue"] == "orders-dlq")
        #expect(labels["severity"] == "page")
        #expect((alert["fingerprint"] as? String)?.count == 16)
        #expect(alert["endsAt"] as? String == "0001-01-01T00:00:00Z")
        let annotations = try #require(alert["annotations"] as? [String: String])
        #expect(annotations["summary"] == "orders-dlq: orders-dlq depth 340 (threshold 100)")
        #expect(annotations["runbook_url"] == "https://runbooks.example/orders-dlq")
        let signature = HMAC<SHA256>.authenticationCode(for: Data(generic.body.utf8), using: SymmetricKey(data: Data("change-me".utf8)))
        #expect(generic.headers["x-funnel-signature"] == "sha256=" + signature.map { String(format: "%02x", $0) }.joined())
        #expect(generic.headers["idempotency-key"]?.hasPrefix(alert["fingerprint"] as? String ?? "?") == true)

        let slack = try #require(byPath["/slack"])
        #expect((slack.json["text"] as? String)?.contains("[FIRING] orders-dlq: orders-dlq depth 340 (threshold 100)") == true)
        #expect((slack.json["blocks"] as? [[String: Any]])?.isEmpty == false)
        #expect(slack.headers["x-funnel-signature"] == nil)
        let discord = try #require(byPath["/discord"])
        #expect((discord.json["content"] as? String)?.contains("depth 340") == true)
        #expect((discord.json["embeds"] as? [[String: Any]])?.first?["url"] as? String == "https://runbooks.example/orders-dlq")
        let teams = try #require(byPath["/teams"])
        let attachment = try #require((teams.json["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["contentType"] as? String == "application/vnd.microsoft.card.adaptive")

        // Between clear_below and the threshold: still firing, nothing new sent.
        #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(90)).status == 202)
        try await Self.awaitValue(url, 90)
        #expect(try await Self.alarm(url)["state"] as? String == "firing")
        #expect(receiver.captures.count == 4)

        #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(50)).status == 202)
        let all = try await Deadline.poll("one resolved notification per receiver") { receiver.captures.count >= 8 ? receiver.captures : nil }
        let resolved = all.dropFirst(4)
        #expect(Set(resolved.map(\.path)) == ["/generic", "/slack", "/discord", "/teams"])
        let genericResolved = try #require(resolved.first { $0.path == "/generic" })
        #expect(genericResolved.json["status"] as? String == "resolved")
        #expect(((genericResolved.json["alerts"] as? [[String: Any]])?.first?["endsAt"] as? String)?.hasPrefix("0001") == false)
        #expect(try await Self.alarm(url)["state"] as? String == "inactive")
        let metrics = try await TestHTTP.get(url + "/metrics").body
        #expect(metrics.contains(#"funnel_webhook_deliveries_total{receiver="oncall",result="success"} 2"#))
        #expect(metrics.contains(#"funnel_alarm_state{alarm="orders-dlq",pipeline="orders",queue="orders-dlq",severity="page"} 0"#))
        #expect(metrics.contains("funnel_webhook_outbox_depth 0"))
        try await server.stop()
        await receiver.stop()
    }

    @Test func depthFlappingAroundTheThresholdSendsNoStorm() async throws {
        let receiver = try await CapturingWebhookReceiver()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(Self.config(receiver: receiver.url, dataDirectory: directory.file("data")), to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        for value in [99, 101, 95, 104, 99, 130, 85, 101, 92, 100, 118] {
            #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(value)).status == 202)
            try await Self.awaitValue(url, Double(value))
        }
        _ = try await Deadline.poll("the firing notifications") { receiver.captures.count >= 4 ? true : nil }
        let outbox = try await Deadline.poll("the outbox to drain") { () -> Bool? in
            try await TestHTTP.get(url + "/metrics").body.contains("funnel_webhook_outbox_depth 0") ? true : nil
        }
        #expect(outbox)
        #expect(receiver.captures.count == 4, "one firing notification per receiver, no storm: \(receiver.captures.map(\.path))")
        try await server.stop()
        await receiver.stop()
    }

    /// The receiver answers 500, then the network to it is cut (connections fail), and Funnel restarts meanwhile:
    /// once the receiver is reachable again, each receiver gets the notification exactly once.
    @Test func receiverOutageAndServerRestartStillDeliverExactlyOnce() async throws {
        let receiver = try await CapturingWebhookReceiver()
        let proxy = try await FaultInjectingProxy.start(upstreamPort: receiver.port)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A timeout far above any answer time here, so that a copy can only come from the outage, not from a slow answer.
        let config = try directory.write(
            Self.config(receiver: "http://127.0.0.1:\(proxy.port)", dataDirectory: directory.file("data"), timeout: "15s"), to: "funnel.yml"
        )
        receiver.setFailing(true)
        let (first, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0"], directory: directory.path)
        #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(500)).status == 202)
        _ = try await Deadline.poll("failed attempts while the receiver answers 500") { () -> Bool? in
            try await TestHTTP.get(url + "/metrics").body.contains(#"funnel_webhook_deliveries_total{receiver="oncall",result="retry"} 0"#) ? nil : true
        }
        proxy.cutOff()
        #expect(try await first.stop() == 0)
        #expect(receiver.captures.isEmpty)

        let (second, secondURL) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0"], directory: directory.path, logName: "second")
        #expect(try await Self.alarm(secondURL)["state"] as? String == "firing")
        _ = try await Deadline.poll("failed attempts while the network is cut") { () -> Bool? in
            try await TestHTTP.get(secondURL + "/metrics").body.contains(#"funnel_webhook_deliveries_total{receiver="oncall",result="retry"} 0"#) ? nil : true
        }
        receiver.setFailing(false)
        proxy.restore()
        _ = try await Deadline.poll("the queued notifications after the outage") { receiver.captures.count >= 4 ? true : nil }
        _ = try await Deadline.poll("the outbox to drain") { () -> Bool? in
            try await TestHTTP.get(secondURL + "/metrics").body.contains("funnel_webhook_outbox_depth 0") ? true : nil
        }
        let paths = receiver.captures.map(\.path)
        #expect(paths.sorted() == ["/discord", "/generic", "/slack", "/teams"], "exactly once per receiver: \(paths)")
        let keys = Set(receiver.captures.compactMap { $0.headers["idempotency-key"] })
        #expect(keys.count == 1, "one notification, never re-created by the restart")
        try await second.stop()
        await proxy.stop()
        await receiver.stop()
    }
}
