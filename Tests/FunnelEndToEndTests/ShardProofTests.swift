import Foundation
import FunnelTesting
import Testing
import Yams

/// Three `funnel serve` shards, each owning a different pipeline, and one real Prometheus scraping them all with the
/// shipped rules: every panel query of the dashboard and every recording rule, named in ``expectations``, answers
/// over all three shards with the shards' own API figures (exactly, or in the API's exact proportions where
/// Prometheus extrapolates an increase), and with what the shards answer one by one (their union, or their sum where
/// they share a series). A query without an entry, or an entry without its query, fails the proof. The `orders`
/// shard also holds `orders-next` and their comparison, so the comparison rules answer too.
@Suite struct ShardProofTests {
    /// Each shard's pipeline, how many times the proof's wave it carries, and every pipeline that wave reports.
    static let shards: [(pipeline: String, scale: Int, pipelines: [String])] = [
        ("orders", 1, ["orders", "orders-next"]), ("billing", 2, ["billing"]), ("clicks", 3, ["clicks"]),
    ]

    static let outcomes = ["received", "passed", "failed", "dead_lettered", "redelivered", "redriven", "replayed"]

    /// What every query must answer, by name.
    static var expectations: [String: [ShardExpectation]] { [
        // Overview
        #"panel "Delivery ratio" target A"#: [.values(labels: ["pipeline"]) { $0.perPipeline { ShardFigures.number($0, "delivery_ratio") } }, .unionOfShards],
        #"panel "Silently lost events" target A"#: [.values(labels: []) { [[:]: $0.stageSum("lost")] }, .sumOfShards],
        #"panel "Lost in transit" target A"#: [.values(labels: []) { [[:]: $0.hopSum("lost")] }, .sumOfShards],
        #"panel "In flight" target A"#: [.values(labels: []) { [[:]: $0.stageSum("in_flight")] }, .sumOfShards],
        #"panel "Dead-lettered (DLQ depth)" target A"#: [.values(labels: []) { _ in [[:]: 60 * Double(Self.shards.count)] }, .sumOfShards],
        #"panel "Funnel: $pipeline" target A"#: [.sumOfShards],
        #"panel "Funnel: $pipeline" target B"#: [.sumOfShards],
        #"panel "Funnel: $pipeline" target C"#: [
            .values(labels: ["stage"]) { figures in
                figures.perStage { ShardFigures.number($0, "position") }.reduce(into: [:]) { $0[["stage": $1.key["stage"] ?? ""]] = max($0[["stage": $1.key["stage"] ?? ""]] ?? 0, $1.value) }
            },
        ],
        // Loss
        #"panel "Silent loss per stage" target A"#: [.values(labels: ["pipeline", "stage"]) { $0.perStage { ShardFigures.number($0, "lost") } }, .unionOfShards],
        #"panel "Silent loss per stage" target B"#: [.values(labels: ["pipeline", "stage"]) { $0.perStage { ShardFigures.number($0, "excess") } }, .unionOfShards],
        #"panel "Transit loss per hop" target A"#: [
            .values(labels: ["pipeline", "from_stage", "to_stage"]) { $0.perHop { ShardFigures.number($0, "lost") } }, .unionOfShards,
        ],
        #"panel "Transit loss per hop" target B"#: [
            .values(labels: ["pipeline", "from_stage", "to_stage"]) { $0.perHop { ShardFigures.number($0, "excess") } }, .unionOfShards,
        ],
        #"panel "Loss ratio, last hour (settled)" target A"#: [.values(labels: ["pipeline", "stage"], Self.silentLossRatios)],
        #"panel "Loss ratio, last hour (settled)" target B"#: [.values(labels: ["pipeline", "from_stage", "to_stage"], Self.transitLossRatios)],
        #"panel "Share of the loss" target A"#: [
            .values(labels: ["pipeline", "stage"]) { $0.perStage { ShardFigures.number($0, "lost") }.filter { $0.value > 0 } }, .unionOfShards,
        ],
        #"panel "Share of the loss" target B"#: [
            .values(labels: ["pipeline", "from_stage", "to_stage"]) { $0.perHop { ShardFigures.number($0, "lost") }.filter { $0.value > 0 } }, .unionOfShards,
        ],
        // Recovery
        #"panel "Recoverable (dead-lettered, not redriven)" target A"#: [.values(labels: []) { [[:]: $0.totalSum("recoverable")] }, .sumOfShards],
        #"panel "Net missing" target A"#: [.values(labels: []) { [[:]: $0.totalSum("net_missing")] }, .sumOfShards],
        #"panel "Recoverable delivery ratio" target A"#: [
            .values(labels: ["pipeline"]) { $0.perPipeline { ShardFigures.number($0, "recoverable_delivery_ratio") } }, .unionOfShards,
        ],
        #"panel "Recovered, last hour" target A"#: [.values(labels: []) { [[:]: $0.totalSum("recovered")] }],
        #"panel "Retry ratio per stage, last hour (settled)" target A"#: [.values(labels: ["pipeline", "stage"], Self.retryRatios)],
        #"panel "Recovered events per second by stage" target A"#: [
            .proportional(labels: ["pipeline", "stage", "outcome"]) { $0.perOutcome(settled: false, outcomes: ["redriven", "replayed"]) }, .unionOfShards,
        ],
        // Throughput and dead letters
        #"panel "Events per second by stage and outcome" target A"#: [
            .proportional(labels: ["pipeline", "stage", "outcome"]) { $0.perOutcome(settled: false, outcomes: Self.outcomes) }, .unionOfShards,
        ],
        #"panel "In flight per stage" target A"#: [.values(labels: ["pipeline", "stage"]) { $0.perStage { ShardFigures.number($0, "in_flight") } }, .unionOfShards],
        #"panel "Dead-lettered events per second" target A"#: [
            .proportional(labels: ["pipeline", "stage"]) { $0.perStage { ShardFigures.number($0, "dead_lettered") } }, .unionOfShards,
        ],
        #"panel "DLQ depth per queue" target A"#: [
            .values(labels: ["pipeline", "queue"]) { _ in Dictionary(uniqueKeysWithValues: Self.shards.map { (["pipeline": $0.pipeline, "queue": "\($0.pipeline)-dlq"], 60) }) },
            .unionOfShards,
        ],
        #"panel "DLQ depth report age" target A"#: [.unionOfShards],
        // Latency
        #"panel "Stage latency p50 / p95 / p99" target A"#: [.unionOfShards],
        #"panel "Stage latency p50 / p95 / p99" target B"#: [.unionOfShards],
        #"panel "Stage latency p50 / p95 / p99" target C"#: [.unionOfShards],
        #"panel "End-to-end latency p50 / p95 / p99" target A"#: [.unionOfShards],
        #"panel "End-to-end latency p50 / p95 / p99" target B"#: [.unionOfShards],
        #"panel "End-to-end latency p50 / p95 / p99" target C"#: [.unionOfShards],
        // Funnel itself
        #"panel "Funnel alarm states" target A"#: [
            .values(labels: ["alarm", "pipeline"]) { _ in Dictionary(uniqueKeysWithValues: Self.shards.map { (["alarm": "\($0.pipeline)-dlq", "pipeline": $0.pipeline], 0) }) },
            .unionOfShards,
        ],
        #"panel "Funnel instances up" target A"#: [.values(labels: ["instance"]) { figures in Dictionary(uniqueKeysWithValues: figures.instances.map { (["instance": $0], 1) }) }, .unionOfShards],
        #"panel "Funnel version" target A"#: [.sumOfShards],
        #"panel "Webhook outbox depth" target A"#: [.values(labels: []) { _ in [[:]: 0] }, .sumOfShards],
        #"panel "Rejected reports" target A"#: [
            .ratioOfShardSums(
                numerator: #"sum(rate(funnel_ingest_rejected_total{job=~"funnel",instance=~"$instance"}[10m]))"#,
                denominator: #"sum(rate(funnel_ingest_reports_total{job=~"funnel",instance=~"$instance"}[10m])) + sum(rate(funnel_ingest_rejected_total{job=~"funnel",instance=~"$instance"}[10m]))"#
            ),
        ],
        #"panel "Accepted reports per second" target A"#: [.sumOfShards],
        #"panel "Rejected reports per second by reason" target A"#: [.sumOfShards],
        #"panel "Late reports per second" target A"#: [.unionOfShards],
        #"panel "Webhook deliveries per second" target A"#: [.sumOfShards],
        // Labels
        #"panel "Loss by version" target A"#: [.values(labels: ["pipeline", "value"], Self.lossByVersion), .unionOfShards],

        // Recording rules
        "recording rule funnel:stage_settled_events:increase1h": [
            .proportional(labels: ["pipeline", "stage", "outcome"]) { $0.perOutcome(settled: true, outcomes: Self.outcomes) }, .unionOfShards,
        ],
        "recording rule funnel:stage_settled_input_events:increase1h": [
            .proportional(labels: ["pipeline", "stage"]) { figures in
                figures.perStage { stage in ["received", "redriven", "replayed"].map { ShardFigures.number(stage["settled"] as? [String: Any] ?? [:], $0) }.reduce(0, +) }
            },
        ],
        "recording rule funnel:stage_silent_loss_events:increase1h": [.proportional(labels: ["pipeline", "stage"]) { $0.perStage { ShardFigures.number($0, "lost") } }],
        "recording rule funnel:stage_silent_loss_ratio:1h": [.values(labels: ["pipeline", "stage"], Self.silentLossRatios)],
        "recording rule funnel:stage_retry_ratio:1h": [.values(labels: ["pipeline", "stage"], Self.retryRatios)],
        "recording rule funnel:transit_edge:info": [.values(labels: ["pipeline", "from_stage", "to_stage"]) { $0.perHop { _ in 1 } }, .unionOfShards],
        "recording rule funnel:transit_sent_events:increase1h": [
            .proportional(labels: ["pipeline", "from_stage", "to_stage"]) { $0.perHop { ShardFigures.number($0, "passed") } },
        ],
        "recording rule funnel:transit_received_events:increase1h": [
            .proportional(labels: ["pipeline", "from_stage", "to_stage"]) { $0.perHop { ShardFigures.number($0, "received") } },
        ],
        "recording rule funnel:transit_lost_events:increase1h": [
            .proportional(labels: ["pipeline", "from_stage", "to_stage"]) { $0.perHop { ShardFigures.number($0, "lost") } },
        ],
        "recording rule funnel:transit_loss_ratio:1h": [.values(labels: ["pipeline", "from_stage", "to_stage"], Self.transitLossRatios)],
        "recording rule funnel:pipeline_ingested_events:increase1h": [
            .proportional(labels: ["pipeline"]) { $0.perPipeline { ShardFigures.number($0, "settled_ingested") } },
        ],
        "recording rule funnel:pipeline_delivered_events:increase1h": [
            .proportional(labels: ["pipeline"]) { $0.perPipeline { ShardFigures.number($0, "settled_delivered") } },
        ],
        "recording rule funnel:pipeline_delivery_ratio:1h": [.values(labels: ["pipeline"]) { $0.perPipeline { ShardFigures.number($0, "delivery_ratio") } }],
        "recording rule funnel:pipeline_recovered_events:increase1h": [.proportional(labels: ["pipeline"]) { $0.perPipeline { ShardFigures.number($0, "recovered") } }],
        "recording rule funnel:pipeline_dlq_outstanding_events:increase1h": [
            .proportional(labels: ["pipeline"]) { figures in
                var outstanding: [[String: String]: Double] = [:]
                for (key, value) in figures.perStage({ ShardFigures.number($0, "dlq_outstanding") }) { outstanding[["pipeline": key["pipeline"] ?? ""], default: 0] += value }
                return outstanding
            },
        ],
        "recording rule funnel:stage_events:rate5m": [
            .proportional(labels: ["pipeline", "stage", "outcome"]) { $0.perOutcome(settled: false, outcomes: Self.outcomes) }, .unionOfShards,
        ],
        "recording rule funnel:stage_dead_lettered_events:rate5m": [
            .proportional(labels: ["pipeline", "stage"]) { $0.perStage { ShardFigures.number($0, "dead_lettered") } }, .unionOfShards,
        ],
        "recording rule funnel:stage_latency_seconds_bucket:rate5m": [.unionOfShards],
        "recording rule funnel:pipeline_end_to_end_latency_seconds_bucket:rate5m": [.unionOfShards],
        "recording rule funnel:comparison_candidate_delivery_shortfall": [
            .values(labels: ["comparison"]) { figures in
                figures.comparisons.mapValues { comparison in
                    let side = { (name: String) in ShardFigures.number(comparison[name] as? [String: Any] ?? [:], "delivery_ratio") }
                    return max(0, side("baseline") - side("candidate"))
                }.reduce(into: [:]) { $0[["comparison": $1.key]] = $1.value }
            },
        ],
        "recording rule funnel:comparison_backfill_events:delta1h": [.unionOfShards],
    ] }

    static func silentLossRatios(_ figures: ShardFigures) -> [[String: String]: Double] {
        figures.perStage { stage in
            let settled = stage["settled"] as? [String: Any] ?? [:]
            let input = ["received", "redriven", "replayed"].map { ShardFigures.number(settled, $0) }.reduce(0, +)
            return ShardFigures.number(stage, "lost") / input
        }
    }

    static func transitLossRatios(_ figures: ShardFigures) -> [[String: String]: Double] {
        figures.perHop { ShardFigures.number($0, "lost") / ShardFigures.number($0, "passed") }
    }

    static func retryRatios(_ figures: ShardFigures) -> [[String: String]: Double] {
        figures.perStage { ShardFigures.number($0, "retry_ratio") }
    }

    static func lossByVersion(_ figures: ShardFigures) -> [[String: String]: Double] {
        var values: [[String: String]: Double] = [:]
        for (pipeline, groups) in figures.versionGroups {
            for group in groups {
                let lost = ShardFigures.number(group["totals"] as? [String: Any] ?? [:], "lost")
                if lost > 0 { values[["pipeline": pipeline, "value": group["value"] as? String ?? ""]] = lost }
            }
        }
        return values
    }

    /// `expression` with every selector of a scraped series narrowed to `instance`, or nil when it reads recorded
    /// series (which no longer have one).
    static func pinned(_ expression: String, instance: String) -> String? {
        guard !expression.contains("funnel:") else { return nil }
        let pattern = try! NSRegularExpression(pattern: #"(?<![:\w])(funnel_[a-z0-9_]+|up)(?![\w(])(\{)?"#)
        var result = ""
        var rest = expression[...]
        var offset = expression.startIndex
        for match in pattern.matches(in: expression, range: NSRange(expression.startIndex..., in: expression)) {
            let range = Range(match.range, in: expression)!
            let name = expression[Range(match.range(at: 1), in: expression)!]
            result += expression[offset..<range.lowerBound]
            result += match.range(at: 2).location == NSNotFound ? "\(name){instance=\"\(instance)\"}" : "\(name){instance=\"\(instance)\","
            offset = range.upperBound
            rest = expression[offset...]
        }
        return result + rest
    }

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
        let instances = servers.map { String($0.url.dropFirst("http://".count)) }

        let eventTime = nowMillis() - 20 * 60_000
        for server in servers {
            let wave = DashboardProof.wave(eventTime: eventTime, pipeline: server.pipeline, scale: server.scale)
            try await DashboardProof.post(wave: wave, depth: 340, to: server.url, pipeline: server.pipeline)
        }
        _ = try await Deadline.poll("every shard's DLQ alarm webhook") { receiver.captures.count >= servers.count ? true : nil }

        let prometheus = try await PrometheusProcess(scrapingAll: instances, ruleFiles: [rules])
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
        _ = try await Deadline.poll("the recording rules to see wave 2 of every pipeline", timeout: .seconds(20)) { () -> Bool? in
            let ratios = try await prometheus.query("funnel:pipeline_delivery_ratio:1h")
            let alarms = try await prometheus.query("max(funnel_alarm_state)")
            return ratios.count == pipelines.count && alarms.first?.value == 0 ? true : nil
        }
        // Five evaluations of the rules since, so that the scrapes after wave 2 are in every window and the proof has
        // earlier evaluations to fall back on.
        _ = try await Deadline.poll("five evaluations of the recording rules after wave 2", timeout: .seconds(20)) { () -> Bool? in
            let counts = try await prometheus.query("count_over_time(funnel:pipeline_delivery_ratio:1h[1m])")
            return counts.count == pipelines.count && counts.allSatisfy { $0.value >= 6 } ? true : nil
        }

        // The shards' API figures, by pipeline.
        var funnels: [String: [String: Any]] = [:]
        var versionGroups: [String: [[String: Any]]] = [:]
        for server in servers {
            for pipeline in server.pipelines {
                funnels[pipeline] = try #require(try await TestHTTP.get(server.url + "/api/v1/funnel?pipeline=\(pipeline)").json() as? [String: Any])
            }
            let grouped = try await TestHTTP.get(server.url + "/api/v1/funnel?pipeline=\(server.pipeline)&by=version").json() as? [String: Any]
            versionGroups[server.pipeline] = try #require(grouped?["groups"] as? [[String: Any]])
        }
        let comparison = try #require(try await TestHTTP.get(servers[0].url + "/api/v1/comparisons/orders-migration").json() as? [String: Any])
        let figures = ShardFigures(funnels: funnels, versionGroups: versionGroups, comparisons: ["orders-migration": comparison], instances: instances)
        #expect(figures.stageSum("lost") > 0 && figures.hopSum("lost") > 0 && figures.totalSum("recoverable") > 0, "the scenario loses at every kind")

        // One evaluation of the recording rules, and the two before it.
        let latest = try #require(try await prometheus.query("timestamp(funnel:pipeline_delivery_ratio:1h)").map(\.value).max())
        var times: [Double] = []
        for step in 2...4 {
            times.append(try #require(try await prometheus.query("timestamp(funnel:pipeline_delivery_ratio:1h)", at: latest - Double(step) + 0.5).map(\.value).max()))
        }
        let context = ShardProofContext(prometheus: prometheus, times: times, figures: figures, instances: instances)

        // Every query, with the same query asked of each shard alone.
        let panels = try DashboardProof.panelQueries(dashboard: dashboard, pipeline: ".*")
        let perShardPanels = try instances.map { try DashboardProof.panelQueries(dashboard: dashboard, pipeline: ".*", instance: $0) }
        var queries = panels.enumerated().map { index, panel in
            ShardQuery(name: panel.name, expression: panel.expression, perShard: perShardPanels.map { $0[index].expression }).pinnedOnlyIfItChanges
        }
        let yaml = try Yams.load(yaml: String(contentsOfFile: rules, encoding: .utf8)) as? [String: Any]
        for rule in (yaml?["groups"] as? [[String: Any]] ?? []).flatMap({ $0["rules"] as? [[String: Any]] ?? [] }) {
            guard let record = rule["record"] as? String, let expression = rule["expr"] as? String else { continue }
            let perShard = instances.map { Self.pinned(expression, instance: $0) }
            queries.append(ShardQuery(name: "recording rule \(record)", expression: record, perShard: perShard.contains(nil) ? nil : perShard.compactMap { $0 }))
        }
        #expect(queries.count >= 60, "the dashboard and the rules have only \(queries.count) queries")

        let names = Set(queries.map(\.name))
        let missing = names.subtracting(Self.expectations.keys).sorted()
        #expect(missing.isEmpty, "queries without an entry in ShardProofTests.expectations: \(missing)")
        let stale = Set(Self.expectations.keys).subtracting(names).sorted()
        #expect(stale.isEmpty, "entries in ShardProofTests.expectations without their query: \(stale)")
        #expect(names.count == queries.count, "two queries share a name: \(queries.map(\.name))")

        for query in queries {
            let expectations = Self.expectations[query.name] ?? []
            #expect(!expectations.isEmpty, "\(query.name) has no expectation")
            let answer = try await prometheus.query(query.expression, at: times[0])
            #expect(!answer.isEmpty, "\(query.name) returned nothing: \(query.expression)")
            for expectation in expectations {
                for problem in try await context.mismatches(query, expectation) {
                    Issue.record(Comment(rawValue: problem))
                }
            }
        }

        // No rule fails on series of several instances.
        for rule in try await prometheus.ruleHealth() {
            #expect(rule.health == "ok", "rule \(rule.rule) of \(rule.group) is \(rule.health): \(rule.error)")
        }
    }
}

extension ShardQuery {
    /// Drops the per-shard expressions of a query the dashboard's `instance` variable does not narrow.
    var pinnedOnlyIfItChanges: ShardQuery {
        var query = self
        if query.perShard?.allSatisfy({ $0 == query.expression }) == true { query.perShard = nil }
        return query
    }
}
