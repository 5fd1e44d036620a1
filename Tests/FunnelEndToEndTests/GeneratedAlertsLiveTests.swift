import Foundation
import FunnelTesting
import Testing

/// The rules `funnel generate rules --config` writes, loaded into a real Prometheus scraping the real `funnel serve`
/// of the same config: the config's alarms fire there as Prometheus alerts, with their labels, `for`, runbook and
/// numbers, while Funnel's own alarm says the same in `funnel_alarm_state`; and they resolve when the cause goes.
@Suite struct GeneratedAlertsLiveTests {
    static func config(dataDirectory: String) -> String {
        """
        data_dir: \(dataDirectory)
        evaluation_interval: 200ms
        pipelines:
          - name: shop
            stages: [ingest, process, deliver]
            labels: [version]
        alarms:
          - name: shop-dlq-full
            kind: dlq_depth
            pipeline: shop
            queue: shop-dlq
            above: 100
            for: 2s
            labels: {severity: page, team: payments}
            annotations: {runbook_url: "https://wiki.example.com/shop-dlq"}
          - name: shop-process-loss
            kind: silent_loss
            pipeline: shop
            stage: process
            above: 0.005
            labels: {team: payments}
        """
    }

    @Test func configAlarmsFireAndResolveInPrometheusAsInFunnel() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configPath = try directory.write(Self.config(dataDirectory: directory.file("data")), to: "funnel.yml")
        let rules = directory.file("rules.yml")
        let generated = try FunnelCommand.run([
            "generate", "rules", "--config", configPath, "--output", rules, "--job", "shop-funnel",
            "--runbook-base-url", "https://runbooks.example.com/funnel",
        ])
        #expect(generated.status == 0, "\(generated.stderr)")
        let (server, url) = try await FunnelProcess.serve(["--config", configPath, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }

        let eventTime = nowMillis() - 20 * 60_000
        let wave = DashboardProof.wave(eventTime: eventTime, pipeline: "shop")
        try await DashboardProof.post(wave: wave, depth: 340, to: url, pipeline: "shop")
        let prometheus = try await PrometheusProcess(scraping: String(url.dropFirst("http://".count)), ruleFiles: [rules], job: "shop-funnel")
        let settled = #"funnel_stage_settled_events_total{stage="process",outcome="received"}"#
        _ = try await Deadline.poll("three scrapes of wave 1", timeout: .seconds(20)) { () -> Bool? in
            try await prometheus.query("count_over_time(\(settled)[1m])").first.map { $0.value >= 3 } == true ? true : nil
        }
        try await DashboardProof.post(wave: wave, depth: 340, to: url, pipeline: "shop")

        let firing = try await Deadline.poll("both generated alerts to fire", timeout: .seconds(30)) { () -> [String: PrometheusProcess.Alert]? in
            let alerts = try await prometheus.alerts().filter { $0.state == "firing" }
            let byAlarm = Dictionary(alerts.map { ($0.labels["alarm"] ?? "", $0) }, uniquingKeysWith: { first, _ in first })
            return byAlarm.keys.contains("shop-dlq-full") && byAlarm.keys.contains("shop-process-loss") ? byAlarm : nil
        }
        let dlq = try #require(firing["shop-dlq-full"])
        #expect(dlq.labels == [
            "alertname": "FunnelDLQDepthHigh", "alarm": "shop-dlq-full", "pipeline": "shop", "queue": "shop-dlq",
            "severity": "page", "team": "payments",
        ])
        #expect(dlq.value == 340)
        #expect(dlq.annotations["runbook_url"] == "https://wiki.example.com/shop-dlq")
        #expect(dlq.annotations["summary"] == "Dead-letter queue shop-dlq of pipeline shop holds 340 events")
        #expect(dlq.annotations["description"]?.contains("has held more than 100 events for 2s (now 340)") == true, "\(dlq.annotations)")

        let loss = try #require(firing["shop-process-loss"])
        #expect(loss.labels["alertname"] == "FunnelStageSilentLoss")
        #expect(loss.labels["stage"] == "process" && loss.labels["team"] == "payments" && loss.labels["severity"] == "page")
        #expect(loss.annotations["runbook_url"] == "https://runbooks.example.com/funnel#funnelstagesilentloss")
        #expect(loss.annotations["description"]?.contains("threshold 0.5%") == true, "\(loss.annotations)")
        let api = try #require(try await TestHTTP.get(url + "/api/v1/funnel?pipeline=shop").json() as? [String: Any])
        let process = try #require((api["stages"] as? [[String: Any]])?.first { $0["name"] as? String == "process" })
        let received = try #require((process["settled"] as? [String: Any])?["received"] as? Int)
        let lost = try #require(process["lost"] as? Int)
        #expect(lost == 20 && received == 1960)
        #expect(abs(loss.value - Double(lost) / Double(received)) < 1e-9, "alert value \(loss.value), API \(lost)/\(received)")

        let states = try await prometheus.query(#"funnel_alarm_state == 2"#)
        let funnelFiring = Set(states.compactMap { $0.labels["alarm"] })
        #expect(funnelFiring == ["shop-dlq-full", "shop-process-loss"], "\(states.map(\.labels))")
        let dlqState = try #require(states.first { $0.labels["alarm"] == "shop-dlq-full" })
        #expect(dlqState.labels["pipeline"] == "shop" && dlqState.labels["queue"] == "shop-dlq" && dlqState.labels["severity"] == "page")

        let queue = #"{"pipeline":"shop","queue":"shop-dlq","depth":10}"#
        #expect(try await TestHTTP.post(url + "/v1/reports", body: queue).status == 202)
        _ = try await Deadline.poll("the DLQ alert to resolve", timeout: .seconds(20)) { () -> Bool? in
            let alarms = try await prometheus.alerts().compactMap { $0.labels["alarm"] }
            return alarms.contains("shop-dlq-full") ? nil : true
        }
        #expect(try await prometheus.alerts().contains { $0.labels["alarm"] == "shop-process-loss" && $0.state == "firing" })
        _ = try await Deadline.poll("Funnel's own DLQ alarm to clear") { () -> Bool? in
            try await prometheus.query(#"funnel_alarm_state{alarm="shop-dlq-full"}"#).first?.value == 0 ? true : nil
        }
    }
}
