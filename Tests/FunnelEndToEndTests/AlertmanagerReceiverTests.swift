import Foundation
import FunnelTesting
import Testing

/// Funnel's alarms into a real Alertmanager (`type: alertmanager`), and out of it to a webhook receiver behind it:
/// labels, silences, inhibition, resends against `resolve_timeout`, resolution, and a refusal.
@Suite struct AlertmanagerReceiverTests {
    /// A Funnel with three DLQ alarms on two queues of pipeline `orders`, all into `alertmanager`.
    /// With `cluster`, the receiver lists those URLs (`urls:`) instead of `alertmanager` alone.
    static func config(
        alertmanager: String, cluster: [String] = [], dataDirectory: String, resend: String = "300ms", extraLabel: String = "team: payments"
    ) -> String {
        """
        data_dir: \(dataDirectory)
        external_url: https://funnel.example
        evaluation_interval: 100ms
        webhook:
          timeout: 2s
          max_attempts: 50
          initial_backoff: 100ms
          max_backoff: 400ms
        receivers:
          - name: alertmanager
            type: alertmanager
            \(cluster.isEmpty ? "url: \(alertmanager)" : "urls: [\(cluster.joined(separator: ", "))]")
            resend_interval: \(resend)
        alarms:
          - name: OrdersDLQDeep
            kind: dlq_depth
            pipeline: orders
            queue: orders-dlq
            above: 100
            receivers: [alertmanager]
            labels:
              severity: page
              \(extraLabel)
            annotations:
              runbook_url: https://runbooks.example/orders-dlq
          - name: OrdersDLQBacklog
            kind: dlq_depth
            pipeline: orders
            queue: orders-dlq
            above: 200
            receivers: [alertmanager]
          - name: OrdersRetryDLQDeep
            kind: dlq_depth
            pipeline: orders
            queue: retry-dlq
            stage: process
            above: 100
            receivers: [alertmanager]
        """
    }

    static func depth(_ value: Int, queue: String = "orders-dlq") -> String {
        #"{"pipeline":"orders","queue":"\#(queue)","depth":\#(value)}"#
    }

    /// The alert names in each notification Alertmanager sent the capturing receiver, with its status.
    static func notifications(_ receiver: CapturingWebhookReceiver) -> [(status: String, alerts: [String])] {
        receiver.captures.map { capture in
            let alerts = (capture.json["alerts"] as? [[String: Any]] ?? []).compactMap { alert -> String? in
                guard alert["status"] as? String == (capture.json["status"] as? String) else { return nil }
                return (alert["labels"] as? [String: String])?["alertname"]
            }
            return (capture.json["status"] as? String ?? "", alerts.sorted())
        }
    }

    /// Posts to Alertmanager (or to one member of a cluster, `alertmanager/N`) with `result` so far, from `/metrics`.
    static func deliveries(_ url: String, receiver: String = "alertmanager", result: String = "success") async throws -> Int {
        let metrics = try await TestHTTP.get(url + "/metrics").body
        let line = metrics.split(separator: "\n").first { $0.hasPrefix(#"funnel_webhook_deliveries_total{receiver="\#(receiver)",result="\#(result)"}"#) }
        return line?.split(separator: " ").last.flatMap { Int($0) } ?? 0
    }

    static func serve(_ config: String, _ directory: TemporaryDirectory) async throws -> (FunnelProcess, String) {
        let path = try directory.write(config, to: "funnel.yml")
        return try await FunnelProcess.serve(["--config", path, "--listen", "127.0.0.1:0"], directory: directory.path)
    }

    @Test func firingAlarmAppearsInAlertmanagerWithItsLabelsAndItsResolutionArrives() async throws {
        let receiver = try await CapturingWebhookReceiver()
        let alertmanager = try await AlertmanagerProcess(webhook: receiver.url + "/hook")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await Self.serve(Self.config(alertmanager: alertmanager.baseURL, dataDirectory: directory.file("data")), directory)
        defer { _ = Task { try await server.stop() } }

        let reports = #"[{"pipeline":"orders","stage":"process","outcome":"received","count":1000},"#
            + #"{"pipeline":"orders","stage":"process","outcome":"failed","count":447},"#
            + #"{"pipeline":"orders","stage":"deliver","outcome":"received","count":553},"#
            + #"{"pipeline":"orders","stage":"deliver","outcome":"dead_lettered","count":140},"#
            + Self.depth(140) + "]"
        #expect(try await TestHTTP.post(url + "/v1/reports", body: reports).status == 202)
        let alert = try await Deadline.poll("the alarm in alertmanager") { try await alertmanager.alert(named: "OrdersDLQDeep") }
        #expect(alert["labels"] as? [String: String] == [
            "alertname": "OrdersDLQDeep", "pipeline": "orders", "queue": "orders-dlq", "kind": "dlq_depth", "severity": "page", "team": "payments",
        ])
        let annotations = try #require(alert["annotations"] as? [String: String])
        #expect(annotations["summary"] == "OrdersDLQDeep: orders-dlq depth 140 (threshold 100)")
        #expect(annotations["description"] == "deliver stage dead-letters into orders-dlq: 140 dead-lettered (140 not redriven) of 553 received",
                "about the stage dead-lettering into the queue, not the stage failing the most")
        #expect(annotations["runbook_url"] == "https://runbooks.example/orders-dlq")
        #expect((alert["status"] as? [String: Any])?["state"] as? String == "active")
        let generator = try #require(alert["generatorURL"] as? String)
        #expect(generator == "https://funnel.example/api/v1/alarms?name=OrdersDLQDeep")
        let linked = try await TestHTTP.get(url + "/api/v1/alarms?name=OrdersDLQDeep").json() as? [String: Any]
        #expect((linked?["alarms"] as? [[String: Any]])?.map { $0["name"] as? String } == ["OrdersDLQDeep"])

        let firing = try await Deadline.poll("the firing notification behind alertmanager") {
            Self.notifications(receiver).first { $0.status == "firing" }
        }
        #expect(firing.alerts == ["OrdersDLQDeep"])
        let metrics = try await TestHTTP.get(url + "/metrics").body
        #expect(metrics.contains(#"funnel_alarm_state{alarm="OrdersDLQDeep",pipeline="orders",queue="orders-dlq",severity="page"} 2"#))
        #expect(metrics.contains(#"funnel_alarm_state{alarm="OrdersDLQBacklog",pipeline="orders",queue="orders-dlq",severity="warning"} 0"#))
        #expect(metrics.contains(#"funnel_alarm_state{alarm="OrdersRetryDLQDeep",pipeline="orders",stage="process",queue="retry-dlq",severity="warning"} 0"#))

        #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(10)).status == 202)
        let resolved = try await Deadline.poll("the resolved notification behind alertmanager") {
            Self.notifications(receiver).first { $0.status == "resolved" }
        }
        #expect(resolved.alerts == ["OrdersDLQDeep"])
        #expect(try await alertmanager.alert(named: "OrdersDLQDeep") == nil, "resolved at once, not when endsAt passes")
        #expect(Self.notifications(receiver).filter { $0.status == "firing" }.count == 1, "Alertmanager deduplicated the resends")
        try await server.stop()
        await receiver.stop()
    }

    @Test func silenceCreatedThroughAlertmanagersAPISuppressesTheNotification() async throws {
        let receiver = try await CapturingWebhookReceiver()
        let alertmanager = try await AlertmanagerProcess(webhook: receiver.url + "/hook")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await Self.serve(Self.config(alertmanager: alertmanager.baseURL, dataDirectory: directory.file("data")), directory)
        defer { _ = Task { try await server.stop() } }
        let silence = try await alertmanager.silence(["alertname": "OrdersDLQDeep", "team": "payments"])

        #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(150)).status == 202)
        let silenced = try await Deadline.poll("the alarm in alertmanager, silenced") { () -> [String: Any]? in
            guard let status = try await alertmanager.alert(named: "OrdersDLQDeep")?["status"] as? [String: Any] else { return nil }
            return status["state"] as? String == "suppressed" ? status : nil
        }
        #expect(silenced["silencedBy"] as? [String] == [silence])
        // The same group (pipeline orders) gets an alert nobody silenced: its notification leaves the silenced one out.
        #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(150, queue: "retry-dlq")).status == 202)
        let notification = try await Deadline.poll("the notification of the alarm not silenced") {
            Self.notifications(receiver).first { $0.alerts.contains("OrdersRetryDLQDeep") }
        }
        #expect(notification.alerts == ["OrdersRetryDLQDeep"])
        #expect(!Self.notifications(receiver).contains { $0.alerts.contains("OrdersDLQDeep") })
        let retry = try await alertmanager.alert(named: "OrdersRetryDLQDeep")
        #expect((retry?["labels"] as? [String: String])?["stage"] == "process", "the rule's stage is a label Alertmanager routes on")
        try await server.stop()
        await receiver.stop()
    }

    @Test func inhibitionWorksOnFunnelsLabels() async throws {
        let receiver = try await CapturingWebhookReceiver()
        let alertmanager = try await AlertmanagerProcess(
            webhook: receiver.url + "/hook",
            inhibitRules: """
                  - source_matchers: ['severity="page"', 'kind="dlq_depth"']
                    target_matchers: ['severity="warning"']
                    equal: [pipeline, queue]
                """
        )
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await Self.serve(Self.config(alertmanager: alertmanager.baseURL, dataDirectory: directory.file("data")), directory)
        defer { _ = Task { try await server.stop() } }

        #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(150)).status == 202)
        _ = try await Deadline.poll("the page-level alarm's notification") { Self.notifications(receiver).first { $0.alerts == ["OrdersDLQDeep"] } }
        #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(300)).status == 202)
        let inhibited = try await Deadline.poll("the warning on the same queue, inhibited") { () -> [String: Any]? in
            guard let status = try await alertmanager.alert(named: "OrdersDLQBacklog")?["status"] as? [String: Any] else { return nil }
            return status["state"] as? String == "suppressed" ? status : nil
        }
        #expect((inhibited["inhibitedBy"] as? [String])?.count == 1)
        // A warning on another queue has no page to inhibit it: the group's next notification has it, not the inhibited one.
        #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(150, queue: "retry-dlq")).status == 202)
        let next = try await Deadline.poll("the notification with the other queue's warning") {
            Self.notifications(receiver).first { $0.alerts.contains("OrdersRetryDLQDeep") }
        }
        #expect(next.alerts == ["OrdersDLQDeep", "OrdersRetryDLQDeep"])
        #expect(!Self.notifications(receiver).contains { $0.alerts.contains("OrdersDLQBacklog") })
        try await server.stop()
        await receiver.stop()
    }

    /// Alertmanager resolves an alert on its own once `endsAt` passes; Funnel's resends keep moving it ahead.
    @Test func firingAlarmStaysActiveOverSeveralResolveTimeouts() async throws {
        let receiver = try await CapturingWebhookReceiver()
        let alertmanager = try await AlertmanagerProcess(webhook: receiver.url + "/hook", resolveTimeout: "1s")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await Self.serve(Self.config(alertmanager: alertmanager.baseURL, dataDirectory: directory.file("data")), directory)
        defer { _ = Task { try await server.stop() } }

        #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(150)).status == 202)
        _ = try await Deadline.poll("the alarm in alertmanager") { try await alertmanager.alert(named: "OrdersDLQDeep") }
        let started = ContinuousClock.now
        let before = try await Self.deliveries(url)
        // 12 more posts, 300ms apart: over three resolve timeouts, and three times as long as one endsAt lies ahead.
        _ = try await Deadline.poll("twelve more posts of the firing alarm", timeout: .seconds(30)) { () -> Bool? in
            let alert = try await alertmanager.alert(named: "OrdersDLQDeep")
            #expect((alert?["status"] as? [String: Any])?["state"] as? String == "active", "still active after \(ContinuousClock.now - started)")
            return try await Self.deliveries(url) >= before + 12 ? true : nil
        }
        #expect(ContinuousClock.now - started > .seconds(3))
        #expect(Self.notifications(receiver).allSatisfy { $0.status == "firing" }, "never resolved by Alertmanager: \(Self.notifications(receiver))")
        #expect(Self.notifications(receiver).count == 1)
        try await server.stop()
        await receiver.stop()
    }

    /// `urls` posts to every member on its own lane: both hold the alert, and with one member killed the other
    /// still gets the resolution, while the dead one's retries hold nobody up.
    @Test func clusterReceiverPostsToEveryMemberAndADeadMemberDelaysNobody() async throws {
        let receivers = [try await CapturingWebhookReceiver(), try await CapturingWebhookReceiver()]
        let members = [
            try await AlertmanagerProcess(webhook: receivers[0].url + "/hook"), try await AlertmanagerProcess(webhook: receivers[1].url + "/hook"),
        ]
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = Self.config(alertmanager: "", cluster: members.map(\.baseURL), dataDirectory: directory.file("data"))
        let (server, url) = try await Self.serve(config, directory)
        defer { _ = Task { try await server.stop() } }

        #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(150)).status == 202)
        for (index, member) in members.enumerated() {
            let alert = try await Deadline.poll("the alarm in member \(index + 1)") { try await member.alert(named: "OrdersDLQDeep") }
            #expect((alert["labels"] as? [String: String])?["queue"] == "orders-dlq")
            let firing = try await Deadline.poll("member \(index + 1)'s firing notification") {
                Self.notifications(receivers[index]).first { $0.status == "firing" }
            }
            #expect(firing.alerts == ["OrdersDLQDeep"])
        }

        members[0].kill()
        #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(10)).status == 202)
        let resolved = try await Deadline.poll("the resolution behind the living member") {
            Self.notifications(receivers[1]).first { $0.status == "resolved" }
        }
        #expect(resolved.alerts == ["OrdersDLQDeep"])
        _ = try await Deadline.poll("the dead member's lane to retry") { try await Self.deliveries(url, receiver: "alertmanager/1", result: "retry") > 0 ? true : nil }
        #expect(try await Self.deliveries(url, receiver: "alertmanager/2") >= 2)
        #expect(!Self.notifications(receivers[0]).contains { $0.status == "resolved" })
        try await server.stop()
        for receiver in receivers { await receiver.stop() }
    }

    /// Alertmanager refuses a label name it cannot take: the answer's body is logged, and the post is not retried.
    @Test func alertmanagerRefusalIsLoggedWithItsBodyAndNotRetried() async throws {
        let alertmanager = try await AlertmanagerProcess(webhook: "http://127.0.0.1:9/hook")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = Self.config(alertmanager: alertmanager.baseURL, dataDirectory: directory.file("data"), resend: "1m", extraLabel: "team-name: payments")
        let (server, url) = try await Self.serve(config, directory)
        defer { _ = Task { try await server.stop() } }

        #expect(try await TestHTTP.post(url + "/v1/reports", body: Self.depth(150)).status == 202)
        _ = try await Deadline.poll("the refusal in funnel's log") { server.standardError.contains("invalid label set") ? true : nil }
        #expect(server.standardError.contains("team-name"), "the body names the refused label: \(server.standardError)")
        _ = try await Deadline.poll("the outbox to drain") { () -> Bool? in
            try await TestHTTP.get(url + "/metrics").body.contains("funnel_webhook_outbox_depth 0") ? true : nil
        }
        let metrics = try await TestHTTP.get(url + "/metrics").body
        #expect(metrics.contains(#"funnel_webhook_deliveries_total{receiver="alertmanager",result="rejected"} 1"#))
        #expect(metrics.contains(#"funnel_webhook_deliveries_total{receiver="alertmanager",result="retry"} 0"#))
        #expect(try await alertmanager.alerts().isEmpty)
        try await server.stop()
    }
}
