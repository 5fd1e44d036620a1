import Foundation
import FunnelTesting
import Testing
import Yams

/// Every panel query of the Grafana dashboard and every recording rule, asked of a real Prometheus scraping the real
/// `funnel serve` fed with a fixed scenario: each must return something plausible, and where Funnel's API has the
/// same figure, the same figure.
@Suite struct DashboardProofTests {
    /// The generic dashboard, and the one generated for the scenario's config with its comparison row.
    @Test func everyPanelQueryAndRecordingRuleAnswersWithFunnelsFigures() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(DashboardProof.config(dataDirectory: directory.file("data"), receiver: "http://127.0.0.1:9/hook"), to: "funnel.yml")
        let generated = directory.file("dashboard.json")
        let result = try FunnelCommand.run(["generate", "dashboard", "--config", config, "--output", generated])
        #expect(result.status == 0, "\(result.stderr)")
        try await DashboardProof.run(
            dashboards: [RepositoryPaths.file("Dashboards/funnel-overview.json"), generated],
            rules: RepositoryPaths.file("Alerts/funnel-rules.yml")
        )
    }
}

/// The proof itself, reusable for generated files: a scenario, a Prometheus, and a check per query.
enum DashboardProof {
    /// One PromQL query to prove, named for the failure message.
    struct Query {
        var name: String
        var expression: String
        /// Ratios must lie in [0, 1]; everything else must be finite and >= 0.
        var isRatio: Bool
    }

    // MARK: Scenario

    /// A pipeline with a loss at every stage and every hop, a DLQ crossing an alarm's threshold and a receiver; for
    /// `orders`, a second pipeline, `orders-next`, compared with it (`orders-migration`).
    static func config(dataDirectory: String, receiver: String, pipeline: String = "orders") -> String {
        let comparison = pipeline != "orders" ? "" : """

              - name: orders-next
                stages: [ingest, deliver]
            comparisons:
              - name: orders-migration
                baseline: orders
                candidate: orders-next
            """
        return """
        data_dir: \(dataDirectory)
        evaluation_interval: 200ms
        webhook:
          timeout: 2s
          max_attempts: 5
          initial_backoff: 100ms
          max_backoff: 400ms
        pipelines:
          - name: \(pipeline)
            stages: [ingest, process, deliver]
            labels: [version]\(comparison)
        receivers:
          - name: oncall
            type: generic
            url: \(receiver)/hook
        alarms:
          - name: \(pipeline)-dlq
            kind: dlq_depth
            pipeline: \(pipeline)
            queue: \(pipeline)-dlq
            above: 100
            clear_below: 80
            for: 0s
            receivers: [oncall]
            send_resolved: true
        """
    }

    /// One wave of settled reports (event time 20 minutes ago): silent loss 6/10/8, transit loss 10/20, delivery 92.6%;
    /// version 2.4.0 carries 100 of the 1,000 and loses 2 at `process`, 2.4.1 the other 52; for `orders`, `orders-next`
    /// delivers 990 of the same 1,000, a backfill of 64.
    static func wave(eventTime: Int64, pipeline: String = "orders", scale: Int = 1) -> String {
        let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(eventTime) / 1000))
        func stage(_ name: String, _ outcome: String, _ count: Int, _ extra: String = "", version: String = "2.4.1") -> String {
            #"{"pipeline":"\#(pipeline)","stage":"\#(name)","outcome":"\#(outcome)","count":\#(count * scale),"event_time":"\#(time)","labels":{"version":"\#(version)"}\#(extra)}"#
        }
        let previous = [
            stage("ingest", "received", 100, version: "2.4.0"), stage("ingest", "passed", 100, version: "2.4.0"),
            stage("process", "received", 100, version: "2.4.0"), stage("process", "passed", 98, version: "2.4.0"),
            stage("deliver", "received", 98, version: "2.4.0"), stage("deliver", "passed", 98, version: "2.4.0"),
        ]
        return "[" + (previous + [
            stage("ingest", "received", 900), stage("ingest", "passed", 890, #","latency_ms":3"#),
            stage("ingest", "dead_lettered", 4),
            stage("process", "received", 880), stage("process", "passed", 862, #","latencies_ms":[12,40,180,900]"#),
            stage("process", "failed", 5), stage("process", "dead_lettered", 5), stage("process", "redelivered", 49),
            stage("deliver", "received", 842), stage("deliver", "passed", 828, #","latency_ms":25,"end_to_end_ms":1400"#),
            stage("deliver", "failed", 6),
        ]).joined(separator: ",") + (pipeline != "orders" ? "" : "," + [
            stage("ingest", "received", 1000), stage("ingest", "passed", 1000), stage("deliver", "received", 1000), stage("deliver", "passed", 990),
        ].map {
            $0.replacingOccurrences(of: #""pipeline":"orders""#, with: #""pipeline":"orders-next""#).replacingOccurrences(of: #","labels":{"version":"2.4.1"}"#, with: "")
        }.joined(separator: ",")) + "]"
    }

    /// Posts a wave, a DLQ depth and two rejected requests.
    static func post(wave: String, depth: Int, to url: String, pipeline: String = "orders") async throws {
        #expect(try await TestHTTP.post(url + "/v1/reports", body: wave).status == 202)
        let queue = #"{"pipeline":"\#(pipeline)","queue":"\#(pipeline)-dlq","depth":\#(depth)}"#
        #expect(try await TestHTTP.post(url + "/v1/reports", body: queue).status == 202)
        #expect(try await TestHTTP.post(url + "/v1/reports", body: "{").status == 400)
        let negative = #"{"pipeline":"orders","stage":"ingest","outcome":"passed","count":-2}"#
        #expect(try await TestHTTP.post(url + "/v1/reports", body: negative).status == 400)
    }

    // MARK: Queries

    /// Every target of every panel (rows included), with Grafana's variables replaced.
    static func panelQueries(dashboard path: String, pipeline: String = "orders", instance: String = ".*") throws -> [Query] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        guard let dashboard = json as? [String: Any] else { throw ProofError(description: "\(path): not a JSON object") }
        var queries: [Query] = []
        func collect(_ panels: [[String: Any]]) {
            for panel in panels {
                let title = panel["title"] as? String ?? "(untitled)"
                for (index, target) in (panel["targets"] as? [[String: Any]] ?? []).enumerated() {
                    guard let expression = target["expr"] as? String else { continue }
                    let name = "panel \"\(title)\" target \(target["refId"] as? String ?? String(index))"
                    let isRatio = title.localizedCaseInsensitiveContains("ratio") || title == "Rejected reports"
                    queries.append(Query(name: name, expression: substitute(expression, pipeline: pipeline, instance: instance), isRatio: isRatio))
                }
                collect(panel["panels"] as? [[String: Any]] ?? [])
            }
        }
        collect(dashboard["panels"] as? [[String: Any]] ?? [])
        return queries
    }

    /// Grafana's variables as a user viewing the last hour would have them.
    static func substitute(_ expression: String, pipeline: String = "orders", instance: String = ".*") -> String {
        expression
            .replacingOccurrences(of: "$__rate_interval", with: "1m")
            .replacingOccurrences(of: "$__interval", with: "15s")
            .replacingOccurrences(of: "$__range", with: "1h")
            .replacingOccurrences(of: "$pipeline", with: pipeline)
            .replacingOccurrences(of: "$job", with: "funnel")
            .replacingOccurrences(of: "$instance", with: instance)
    }

    /// The recorded series of every recording rule in the rule file.
    static func recordingRules(_ path: String) throws -> [Query] {
        let yaml = try Yams.load(yaml: String(contentsOfFile: path, encoding: .utf8)) as? [String: Any]
        let groups = yaml?["groups"] as? [[String: Any]] ?? []
        return groups.flatMap { ($0["rules"] as? [[String: Any]] ?? []) }.compactMap { rule in
            guard let record = rule["record"] as? String else { return nil }
            return Query(name: "recording rule \(record)", expression: record, isRatio: record.contains("ratio"))
        }
    }

    // MARK: Proof

    static func run(dashboards: [String], rules: String) async throws {
        let panels = try dashboards.flatMap { try panelQueries(dashboard: $0) }
        let records = try recordingRules(rules)
        #expect(panels.count >= 20, "dashboards \(dashboards) have only \(panels.count) panel queries")
        #expect(records.count >= 10, "rule file \(rules) has only \(records.count) recording rules")

        let receiver = try await CapturingWebhookReceiver()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configPath = try directory.write(config(dataDirectory: directory.file("data"), receiver: receiver.url), to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", configPath, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }

        // Wave 1 before the first scrape, so every series starts in the same scrape.
        let wave = wave(eventTime: nowMillis() - 20 * 60_000)
        try await post(wave: wave, depth: 340, to: url)
        _ = try await Deadline.poll("the DLQ alarm's webhook") { receiver.captures.isEmpty ? nil : true }

        let prometheus = try await PrometheusProcess(scraping: String(url.dropFirst("http://".count)), ruleFiles: [rules])
        let settledReceived = #"funnel_stage_settled_events_total{pipeline="orders",stage="ingest",outcome="received"}"#
        _ = try await Deadline.poll("three scrapes of wave 1", timeout: .seconds(20)) { () -> Bool? in
            let counts = try await prometheus.query("count_over_time(\(settledReceived)[1m])")
            return counts.count == 2 && counts.allSatisfy { $0.value >= 3 } ? true : nil
        }

        // Wave 2, the same again: every increase() since wave 1 has the same proportions as the API's totals.
        try await post(wave: wave, depth: 60, to: url)
        _ = try await Deadline.poll("Prometheus to scrape wave 2", timeout: .seconds(20)) { () -> Bool? in
            try await prometheus.query("sum(\(settledReceived))").first?.value == 2000 ? true : nil
        }
        _ = try await Deadline.poll("the delivery ratio rule to see wave 2", timeout: .seconds(20)) { () -> Bool? in
            try await prometheus.query("funnel:pipeline_delivery_ratio:1h").isEmpty ? nil : true
        }

        // Every query answers, plausibly.
        for query in panels + records {
            let samples: [PrometheusProcess.Sample]
            do {
                samples = try await Deadline.poll(query.name, timeout: .seconds(5)) { () -> [PrometheusProcess.Sample]? in
                    let samples = try await prometheus.query(query.expression)
                    return samples.isEmpty ? nil : samples
                }
            } catch {
                Issue.record("\(query.name) returned nothing: \(query.expression) (\(error))")
                continue
            }
            for sample in samples {
                let plausible = query.isRatio ? (0...1).contains(sample.value) : sample.value.isFinite && sample.value >= 0
                #expect(plausible, "\(query.name): implausible \(sample.value) for \(sample.labels) from \(query.expression)")
            }
        }

        // Where the API has the same figure, it is the same figure.
        let api = try #require(try await TestHTTP.get(url + "/api/v1/funnel?pipeline=orders").json() as? [String: Any])
        let stages = api["stages"] as? [[String: Any]] ?? []
        let transit = api["transit"] as? [[String: Any]] ?? []
        let totals = api["totals"] as? [String: Any] ?? [:]
        let deliveryRatio = try #require(totals["delivery_ratio"] as? Double)
        #expect(deliveryRatio == 926.0 / 1000)

        try await expectSame("delivery ratio rule", prometheus, "funnel:pipeline_delivery_ratio:1h{pipeline=\"orders\"}", [[:]: deliveryRatio])
        try await expectSame("Delivery ratio panel", prometheus, substitute(#"max by (pipeline) (funnel_pipeline_delivery_ratio{pipeline=~"$pipeline"})"#), [[:]: deliveryRatio])

        var silent: [[String: String]: Double] = [:]
        for stage in stages {
            let settled = stage["settled"] as? [String: Any] ?? [:]
            let received = Double(settled["received"] as? Int ?? 0)
            silent[["stage": stage["name"] as? String ?? ""]] = Double(stage["lost"] as? Int ?? -1) / received
        }
        #expect(silent.count == 3)
        try await expectSame("silent loss ratio rule", prometheus, #"funnel:stage_silent_loss_ratio:1h{pipeline="orders"}"#, silent, labels: ["stage"])

        var hops: [[String: String]: Double] = [:]
        for hop in transit {
            let key = ["from_stage": hop["from"] as? String ?? "", "to_stage": hop["to"] as? String ?? ""]
            hops[key] = Double(hop["lost"] as? Int ?? -1) / Double(hop["passed"] as? Int ?? 0)
        }
        #expect(hops.count == 2)
        try await expectSame("transit loss ratio rule", prometheus, #"funnel:transit_loss_ratio:1h{pipeline="orders"}"#, hops, labels: ["from_stage", "to_stage"])

        let lost = Dictionary(uniqueKeysWithValues: stages.map { (["stage": $0["name"] as? String ?? ""], Double($0["lost"] as? Int ?? -1)) })
        try await expectSame("Silent loss per stage panel", prometheus, #"sum by (stage) (funnel_stage_lost_events{pipeline="orders"})"#, lost, labels: ["stage"])

        let retries = Dictionary(uniqueKeysWithValues: stages.map { (["stage": $0["name"] as? String ?? ""], $0["retry_ratio"] as? Double ?? -1) })
        #expect(retries[["stage": "process"]] == 49.0 / 980)
        try await expectSame("retry ratio rule", prometheus, #"funnel:stage_retry_ratio:1h{pipeline="orders"}"#, retries, labels: ["stage"])
        let recoverable = try #require(totals["recoverable"] as? Int)
        #expect(recoverable == 18, "two waves in which ingest and process dead-lettered 4 and 5, nothing redriven")
        try await expectSame("Recoverable panel", prometheus, #"sum(funnel_pipeline_recoverable_events{pipeline=~"orders"})"#, [[:]: Double(recoverable)])
        let netMissing = try #require(totals["net_missing"] as? Int)
        try await expectSame("Net missing panel", prometheus, #"sum(funnel_pipeline_net_missing_events{pipeline=~"orders"})"#, [[:]: Double(netMissing)])
        let comparison = try #require(try await TestHTTP.get(url + "/api/v1/comparisons/orders-migration").json() as? [String: Any])
        #expect(comparison["backfill_events"] as? Int == 128, "two waves of 990 delivered against 926")
        let selector = #"{comparison="orders-migration"}"#
        try await expectSame("Backfill panel", prometheus, "funnel_comparison_backfill_events" + selector, [[:]: 128])
        let candidateRatio = try #require((comparison["candidate"] as? [String: Any])?["delivery_ratio"] as? Double)
        try await expectSame(
            "Comparison delivery ratio panel", prometheus, "funnel_comparison_delivery_ratio" + selector,
            [["side": "baseline"]: deliveryRatio, ["side": "candidate"]: candidateRatio], labels: ["side"]
        )
        try await expectSame("comparison shortfall rule", prometheus, "funnel:comparison_candidate_delivery_shortfall" + selector, [[:]: 0])
        let byVersion = try #require(try await TestHTTP.get(url + "/api/v1/funnel?pipeline=orders&by=version").json() as? [String: Any])
        let versions = (byVersion["groups"] as? [[String: Any]] ?? []).map { group in
            (["value": group["value"] as? String ?? ""], Double((group["totals"] as? [String: Any])?["lost"] as? Int ?? -1))
        }
        #expect(versions.map(\.1) == [104, 4], "two waves: 2.4.1 loses 52 of 900 each, 2.4.0 2 of 100")
        try await expectSame(
            "Loss by version panel", prometheus, substitute(#"sum by (value) (funnel_label_lost_events{pipeline=~"$pipeline", label="version"})"#),
            Dictionary(uniqueKeysWithValues: versions), labels: ["value"]
        )
        let recoverableRatio = try #require(totals["recoverable_delivery_ratio"] as? Double)
        try await expectSame("Recoverable delivery ratio panel", prometheus, #"max by (pipeline) (funnel_pipeline_recoverable_delivery_ratio{pipeline=~"orders"})"#, [[:]: recoverableRatio])
    }

    /// Expects `expression` to give exactly the samples `expected` (keyed by `labels`), within rounding.
    static func expectSame(
        _ name: String, _ prometheus: PrometheusProcess, _ expression: String, _ expected: [[String: String]: Double], labels: [String] = []
    ) async throws {
        let samples = try await prometheus.query(expression)
        var actual: [[String: String]: Double] = [:]
        for sample in samples {
            actual[Dictionary(uniqueKeysWithValues: labels.map { ($0, sample.labels[$0] ?? "") })] = sample.value
        }
        #expect(Set(actual.keys) == Set(expected.keys), "\(name): series \(actual) from \(expression), API has \(expected)")
        for (key, value) in expected {
            guard let got = actual[key] else { continue }
            #expect(abs(got - value) <= 1e-6 * max(1, abs(value)), "\(name) \(key): Prometheus \(got), API \(value) (\(expression))")
        }
    }
}

struct ProofError: Error, CustomStringConvertible {
    var description: String
}
