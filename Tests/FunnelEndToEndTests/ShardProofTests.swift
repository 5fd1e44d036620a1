import Foundation
import FunnelTesting
import Testing

/// Three `funnel serve` shards, each owning a different pipeline, and one real Prometheus scraping them all with the
/// shipped rules: every panel query and recording rule answers, no rule fails on series that collide across
/// shards, and each figure is the sum of the shards' API figures (or, per pipeline, its own shard's). The `orders`
/// shard also holds `orders-next` and their comparison, so the comparison rules answer too.
@Suite struct ShardProofTests {
    /// Each shard's pipeline, how many times the proof's wave it carries, and every pipeline that wave reports.
    static let shards: [(pipeline: String, scale: Int, pipelines: [String])] = [
        ("orders", 1, ["orders", "orders-next"]), ("billing", 2, ["billing"]), ("clicks", 3, ["clicks"]),
    ]

    @Test func threeShardsBehindOnePrometheusAddUpToTheirAPIs() async throws {
        let dashboard = RepositoryPaths.file("Dashboards/funnel-overview.json")
        let rules = RepositoryPaths.file("Alerts/funnel-rules.yml")
        let receiver = try await CapturingWebhookReceiver()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var servers: [(process: FunnelProcess, url: String, pipeline: String, scale: Int, pipelines: [String])] = []
        for (pipeline, scale, pipelines) in Self.shards {
            let config = DashboardProof.config(dataDirectory: directory.file("data-\(pipeline)"), receiver: receiver.url, pipeline: pipeline)
            let path = try directory.write(config, to: "\(pipeline).yml")
            let (process, url) = try await FunnelProcess.serve(["--config", path, "--listen", "127.0.0.1:0"], directory: directory.path, logName: pipeline)
            servers.append((process, url, pipeline, scale, pipelines))
        }
        defer { for server in servers { _ = Task { try await server.process.stop() } } }

        let eventTime = nowMillis() - 20 * 60_000
        for server in servers {
            let wave = DashboardProof.wave(eventTime: eventTime, pipeline: server.pipeline, scale: server.scale)
            try await DashboardProof.post(wave: wave, depth: 340, to: server.url, pipeline: server.pipeline)
        }
        _ = try await Deadline.poll("every shard's DLQ alarm webhook") { receiver.captures.count >= servers.count ? true : nil }

        let prometheus = try await PrometheusProcess(scrapingAll: servers.map { String($0.url.dropFirst("http://".count)) }, ruleFiles: [rules])
        let settled = "funnel_stage_settled_events_total{stage=\"ingest\",outcome=\"received\"}"
        _ = try await Deadline.poll("three scrapes of every shard", timeout: .seconds(20)) { () -> Bool? in
            let counts = try await prometheus.query("min by (instance) (count_over_time(\(settled)[1m]))")
            return counts.count == servers.count && counts.allSatisfy { $0.value >= 3 } ? true : nil
        }
        for server in servers {
            let wave = DashboardProof.wave(eventTime: eventTime, pipeline: server.pipeline, scale: server.scale)
            try await DashboardProof.post(wave: wave, depth: 60, to: server.url, pipeline: server.pipeline)
        }
        let received = Double(Self.shards.map { 2 * 1000 * $0.scale * $0.pipelines.count }.reduce(0, +))
        _ = try await Deadline.poll("Prometheus to scrape wave 2 of every shard", timeout: .seconds(20)) { () -> Bool? in
            try await prometheus.query("sum(\(settled))").first?.value == received ? true : nil
        }
        let pipelines = Self.shards.flatMap(\.pipelines)
        _ = try await Deadline.poll("the delivery ratio rule to see every pipeline", timeout: .seconds(20)) { () -> Bool? in
            try await prometheus.query("funnel:pipeline_delivery_ratio:1h").count == pipelines.count ? true : nil
        }

        // Every query answers, plausibly, over all pipelines.
        let queries = try DashboardProof.panelQueries(dashboard: dashboard, pipeline: ".*") + DashboardProof.recordingRules(rules)
        for query in queries {
            let samples = try? await Deadline.poll(query.name, timeout: .seconds(5)) { () -> [PrometheusProcess.Sample]? in
                let samples = try await prometheus.query(query.expression)
                return samples.isEmpty ? nil : samples
            }
            guard let samples else {
                Issue.record("\(query.name) returned nothing: \(query.expression)")
                continue
            }
            for sample in samples {
                let plausible = query.isRatio ? (0...1).contains(sample.value) : sample.value.isFinite && sample.value >= 0
                #expect(plausible, "\(query.name): implausible \(sample.value) for \(sample.labels) from \(query.expression)")
            }
        }

        // No rule fails on series of several instances.
        for rule in try await prometheus.ruleHealth() {
            #expect(rule.health == "ok", "rule \(rule.rule) of \(rule.group) is \(rule.health): \(rule.error)")
        }

        // The shards' API figures, by pipeline.
        var apis: [String: [String: Any]] = [:]
        for server in servers {
            for pipeline in server.pipelines {
                apis[pipeline] = try #require(try await TestHTTP.get(server.url + "/api/v1/funnel?pipeline=\(pipeline)").json() as? [String: Any])
            }
        }
        func stages(_ pipeline: String) -> [[String: Any]] { apis[pipeline]?["stages"] as? [[String: Any]] ?? [] }
        func hops(_ pipeline: String) -> [[String: Any]] { apis[pipeline]?["transit"] as? [[String: Any]] ?? [] }
        func totals(_ pipeline: String) -> [String: Any] { apis[pipeline]?["totals"] as? [String: Any] ?? [:] }
        let all = #"job=~"funnel",instance=~".*",pipeline=~".*""#

        // Sums over every shard.
        let lost = pipelines.flatMap { stages($0) }.map { Double($0["lost"] as? Int ?? -1) }.reduce(0, +)
        #expect(lost > 0)
        try await DashboardProof.expectSame("Silent loss panel", prometheus, "sum(funnel_stage_lost_events{\(all)})", [[:]: lost])
        let transitLost = pipelines.flatMap { hops($0) }.map { Double($0["lost"] as? Int ?? -1) }.reduce(0, +)
        try await DashboardProof.expectSame("Transit loss panel", prometheus, "sum(funnel_transit_lost_events{\(all)})", [[:]: transitLost])
        try await DashboardProof.expectSame("DLQ depth panel", prometheus, "sum(funnel_dlq_depth{\(all)})", [[:]: 60 * Double(servers.count)])
        for figure in ["recoverable", "net_missing"] {
            let sum = pipelines.map { Double(totals($0)[figure] as? Int ?? -1) }.reduce(0, +)
            let family = figure == "recoverable" ? "funnel_pipeline_recoverable_events" : "funnel_pipeline_net_missing_events"
            try await DashboardProof.expectSame("\(figure) panel", prometheus, "sum(\(family){\(all)})", [[:]: sum])
        }
        try await DashboardProof.expectSame("up", prometheus, #"count(up{job=~"funnel",instance=~".*"} == 1)"#, [[:]: Double(servers.count)])

        // One instance alone, as the dashboard's instance variable selects it.
        let first = servers[0]
        let firstLost = first.pipelines.flatMap { stages($0) }.map { Double($0["lost"] as? Int ?? -1) }.reduce(0, +)
        let instance = String(first.url.dropFirst("http://".count))
        try await DashboardProof.expectSame(
            "Silent loss panel of one instance", prometheus, #"sum(funnel_stage_lost_events{job=~"funnel",instance=~"\#(instance)",pipeline=~".*"})"#, [[:]: firstLost]
        )

        // Per pipeline: one series each, its own shard's figure.
        var delivery: [[String: String]: Double] = [:]
        var silent: [[String: String]: Double] = [:]
        var perStage: [[String: String]: Double] = [:]
        var transit: [[String: String]: Double] = [:]
        var retries: [[String: String]: Double] = [:]
        for pipeline in pipelines {
            delivery[["pipeline": pipeline]] = try #require(totals(pipeline)["delivery_ratio"] as? Double)
            for stage in stages(pipeline) {
                let key = ["pipeline": pipeline, "stage": stage["name"] as? String ?? ""]
                let received = Double((stage["settled"] as? [String: Any])?["received"] as? Int ?? 0)
                silent[key] = Double(stage["lost"] as? Int ?? -1) / received
                perStage[key] = Double(stage["lost"] as? Int ?? -1)
                retries[key] = stage["retry_ratio"] as? Double ?? -1
            }
            for hop in hops(pipeline) {
                let key = ["pipeline": pipeline, "from_stage": hop["from"] as? String ?? "", "to_stage": hop["to"] as? String ?? ""]
                transit[key] = Double(hop["lost"] as? Int ?? -1) / Double(hop["passed"] as? Int ?? 0)
            }
        }
        try await DashboardProof.expectSame("delivery ratio rule", prometheus, "funnel:pipeline_delivery_ratio:1h", delivery, labels: ["pipeline"])
        try await DashboardProof.expectSame(
            "Delivery ratio panel", prometheus, "max by (pipeline) (funnel_pipeline_delivery_ratio{\(all)})", delivery, labels: ["pipeline"]
        )
        try await DashboardProof.expectSame("silent loss ratio rule", prometheus, "funnel:stage_silent_loss_ratio:1h", silent, labels: ["pipeline", "stage"])
        try await DashboardProof.expectSame(
            "Silent loss per stage panel", prometheus, "sum by (pipeline, stage) (funnel_stage_lost_events{\(all)})", perStage, labels: ["pipeline", "stage"]
        )
        try await DashboardProof.expectSame("retry ratio rule", prometheus, "funnel:stage_retry_ratio:1h", retries, labels: ["pipeline", "stage"])
        try await DashboardProof.expectSame(
            "transit loss ratio rule", prometheus, "funnel:transit_loss_ratio:1h", transit, labels: ["pipeline", "from_stage", "to_stage"]
        )
    }
}
