import Foundation
import FunnelTesting
import Testing

/// `funnel status --server A --server B ...` against real shards: the union of their pipelines, each with its
/// server, the error budget of a pipeline with an `slo:`, a server that does not answer marked down, and `--by` and
/// `--label` answered by each pipeline's own shard.
@Suite struct ShardedStatusTests {
    static func config(_ directory: TemporaryDirectory, pipeline: String, slo: Bool) -> String {
        """
        data_dir: \(directory.file("data-\(pipeline)"))
        pipelines:
          - name: \(pipeline)
            stages: [ingest, deliver]\(slo ? "\n    slo: {delivery_ratio: 0.999, window: 30d}" : "")

        """
    }

    @Test func statusShowsTheUnionOfTheShardsAndMarksTheDownOne() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var urls: [String] = []
        var servers: [FunnelProcess] = []
        for (pipeline, slo) in [("orders", true), ("billing", false)] {
            let path = try directory.write(Self.config(directory, pipeline: pipeline, slo: slo), to: "\(pipeline).yml")
            let (server, url) = try await FunnelProcess.serve(["--config", path, "--listen", "127.0.0.1:0"], directory: directory.path, logName: pipeline)
            servers.append(server)
            urls.append(url)
            let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(nowMillis() - 20 * 60_000) / 1000))
            let body = "[" + [("ingest", "received", 10_000), ("ingest", "passed", 10_000), ("deliver", "received", 10_000), ("deliver", "passed", 9_996)].map {
                #"{"pipeline":"\#(pipeline)","stage":"\#($0.0)","outcome":"\#($0.1)","count":\#($0.2),"event_time":"\#(time)"}"#
            }.joined(separator: ",") + "]"
            #expect(try await TestHTTP.post(url + "/v1/reports", body: body).status == 202)
        }
        defer { for server in servers { _ = Task { try await server.stop() } } }
        let down = "http://127.0.0.1:\(try await FreePort.next())"

        let all = try FunnelCommand.run(["status", "--server", urls[0], "--server", urls[1]])
        #expect(all.status == 0, "\(all.stderr)")
        let lines = all.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "OK: no alarms · 2 pipelines · 2 servers", "\(all.stdout)")
        #expect(lines.contains { $0.hasPrefix("orders: delivery 99.96%") && $0.hasSuffix(" · \(urls[0])") }, "\(all.stdout)")
        #expect(lines.contains { $0.hasPrefix("billing: delivery 99.96%") && $0.hasSuffix(" · \(urls[1])") }, "\(all.stdout)")
        // 10 of 10,000 allowed, 4 spent.
        #expect(lines.contains("  ERROR BUDGET 60.0% left · objective 99.9% over 30d · last 72h settled: 10000 ingested, 4 undelivered of 10 allowed"), "\(all.stdout)")
        #expect(lines.filter { $0.contains("ERROR BUDGET") }.count == 1, "billing has no objective")

        let partial = try FunnelCommand.run(["status", "--server", urls[0], "--server", down, "--server", urls[1]])
        #expect(partial.status == 3, "a server down is UNKNOWN: \(partial.stdout)")
        let partialLines = partial.stdout.split(separator: "\n").map(String.init)
        #expect(partialLines.first == "UNKNOWN: no alarms · 2 pipelines · 3 servers, 1 down", "\(partial.stdout)")
        #expect(partialLines.dropFirst().first?.hasPrefix("DOWN     \(down): ") == true, "\(partial.stdout)")
        #expect(partialLines.contains { $0.hasPrefix("orders: ") } && partialLines.contains { $0.hasPrefix("billing: ") })

        let json = try FunnelCommand.run(["status", "--json", "--server", urls[0], "--server", urls[1]])
        let funnels = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(funnels.compactMap { $0["pipeline"] as? String } == ["orders", "billing"])
        let budget = try #require(funnels.first?["error_budget"] as? [String: Any])
        #expect(abs((budget["remaining_ratio"] as? Double ?? 0) - 0.6) < 1e-9)
        #expect(budget["covered_seconds"] as? Int == 72 * 3600)
    }

    @Test func byAndLabelAskEachPipelinesOwnShard() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var urls: [String] = []
        var servers: [FunnelProcess] = []
        let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(nowMillis() - 20 * 60_000) / 1000))
        for (pipeline, lost) in [("orders", 7), ("billing", 3)] {
            let config = "data_dir: \(directory.file("data-\(pipeline)"))\npipelines:\n  - name: \(pipeline)\n    stages: [ingest, deliver]\n    labels: [tenant]\n"
            let path = try directory.write(config, to: "\(pipeline).yml")
            let (server, url) = try await FunnelProcess.serve(["--config", path, "--listen", "127.0.0.1:0"], directory: directory.path, logName: pipeline)
            servers.append(server)
            urls.append(url)
            let body = "[" + [("acme", lost), ("globex", 0)].flatMap { tenant, lost in
                [("ingest", "received", 100), ("ingest", "passed", 100), ("deliver", "received", 100), ("deliver", "passed", 100 - lost)].map {
                    #"{"pipeline":"\#(pipeline)","stage":"\#($0.0)","outcome":"\#($0.1)","count":\#($0.2),"event_time":"\#(time)","labels":{"tenant":"\#(tenant)"}}"#
                }
            }.joined(separator: ",") + "]"
            #expect(try await TestHTTP.post(url + "/v1/reports", body: body).status == 202)
        }
        defer { for server in servers { _ = Task { try await server.stop() } } }

        let by = try FunnelCommand.run(["status", "--by", "tenant", "--server", urls[0], "--server", urls[1]])
        #expect(by.status == 0, "\(by.stderr)")
        let lines = by.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0 == "  worst by tenant: 2 values, most settled loss first" }.count == 2, "\(by.stdout)")
        let acme = lines.filter { $0.hasPrefix("    acme ") }.map { $0.split(separator: " ").map(String.init) }
        #expect(acme.map { $0[1] } == ["7", "3"], "each shard's own tenant figures, orders then billing: \(by.stdout)")

        let filtered = try FunnelCommand.run(["status", "--label", "tenant:acme", "--server", urls[0], "--server", urls[1]])
        #expect(filtered.status == 0, "\(filtered.stderr)")
        let filteredLines = filtered.stdout.split(separator: "\n").map(String.init)
        #expect(filteredLines.contains { $0.hasPrefix("orders{tenant=acme}: delivery 93.00%, ingested 100, delivered 93, lost 7") }, "\(filtered.stdout)")
        #expect(filteredLines.contains { $0.hasPrefix("billing{tenant=acme}: delivery 97.00%, ingested 100, delivered 97, lost 3") }, "\(filtered.stdout)")

        let json = try FunnelCommand.run(["status", "--json", "--by", "tenant", "--server", urls[0], "--server", urls[1]])
        let grouped = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(grouped.map { ($0["groups"] as? [Any])?.count } == [2, 2], "\(json.stdout)")
    }

    @Test func metricsExportTheErrorBudgetOfAPipelineWithAnObjective() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(Self.config(directory, pipeline: "orders", slo: true), to: "orders.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", path, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let metrics = try await TestHTTP.get(url + "/metrics").body
        #expect(metrics.contains("# TYPE funnel_pipeline_error_budget_remaining_ratio gauge"))
        #expect(metrics.contains("funnel_pipeline_error_budget_remaining_ratio{pipeline=\"orders\"} 1\n"), "nothing spent before anything settles")
    }
}
