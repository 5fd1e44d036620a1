import Foundation
import FunnelTesting
import Testing

@Suite struct PrometheusScrapeTests {
    /// A real Prometheus scrapes `funnel serve`; its query API shows the funnel's counters and loss.
    @Test func prometheusScrapesTheFunnelWithTheRightValues() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let settled = nowMillis() - 20 * 60_000
        let body = "[" + [
            report("ingest", "received", 1000, eventTime: settled), report("ingest", "passed", 990, eventTime: settled),
            report("ingest", "dead_lettered", 4, eventTime: settled),
            report("process", "received", 980, eventTime: settled), report("process", "passed", 975, eventTime: settled),
            report("process", "failed", 2, eventTime: settled),
        ].joined(separator: ",") + "]"
        #expect(try await TestHTTP.post(url + "/v1/reports", body: body).status == 202)
        let latencies = #"{"pipeline":"orders","stage":"process","outcome":"passed","count":4,"latencies_ms":[10,20,30,400],"end_to_end_ms":250}"#
        #expect(try await TestHTTP.post(url + "/v1/reports", body: latencies).status == 202)

        let prometheus = try await PrometheusProcess(scraping: String(url.dropFirst("http://".count)))
        let received = try await Deadline.poll("Prometheus to scrape funnel_stage_settled_events_total", timeout: .seconds(30)) {
            try await prometheus.query(#"funnel_stage_settled_events_total{pipeline="orders",stage="ingest",outcome="received"}"#).first
        }
        #expect(received.value == 1000)
        #expect(received.labels["job"] == "funnel")

        let up = try await prometheus.query(#"up{job="funnel"}"#)
        #expect(up.first?.value == 1)
        let stageLoss = try await prometheus.query(#"funnel_stage_lost_events{pipeline="orders"}"#)
        #expect(Dictionary(uniqueKeysWithValues: stageLoss.map { ($0.labels["stage"] ?? "", $0.value) }) == ["ingest": 6, "process": 3])
        let transit = try await prometheus.query(#"funnel_transit_lost_events{pipeline="orders",from_stage="ingest",to_stage="process"}"#)
        #expect(transit.first?.value == 10)
        let ratio = try await prometheus.query(#"funnel_pipeline_delivery_ratio{pipeline="orders"}"#)
        #expect(ratio.first?.value == 0.975)

        // Exact loss from the settled counters in PromQL equals the API's figure.
        let promqlLoss = try await prometheus.query("""
            sum by (stage) (funnel_stage_settled_events_total{pipeline="orders",outcome="received"})
            - sum by (stage) (funnel_stage_settled_events_total{pipeline="orders",outcome!="received"})
            """)
        let api = try #require(try await TestHTTP.get(url + "/api/v1/funnel?pipeline=orders").json() as? [String: Any])
        let apiLoss = Dictionary(uniqueKeysWithValues: (api["stages"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", Double($0["lost"] as? Int ?? -1)) })
        #expect(Dictionary(uniqueKeysWithValues: promqlLoss.map { ($0.labels["stage"] ?? "", $0.value) }) == apiLoss)
        let latencyCount = try await prometheus.query(#"funnel_stage_latency_seconds_count{pipeline="orders",stage="process"}"#)
        #expect(latencyCount.first?.value == 4)
        let p50 = try await prometheus.query(#"funnel_stage_latency_quantile_seconds{pipeline="orders",stage="process",window="5m",quantile="0.5"}"#)
        #expect(p50.first.map { abs($0.value - 0.020) / 0.020 <= 0.01 } == true)
        let endToEnd = try await prometheus.query(#"funnel_pipeline_end_to_end_latency_seconds_bucket{pipeline="orders",le="0.25"}"#)
        #expect(endToEnd.first?.value == 4)
        let info = try await prometheus.query("funnel_build_info")
        #expect(info.first?.labels["version"]?.isEmpty == false)
    }

    /// `promtool check metrics` finds nothing to complain about in the live exposition.
    @Test func liveMetricsPassPromtool() async throws {
        let promtool = try RequiredTool("promtool", package: "prometheus")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let now = nowMillis()
        let body = "[" + [
            report("ingest", "received", 10, eventTime: now - 20 * 60_000), report("ingest", "passed", 9, eventTime: now - 20 * 60_000),
            report("deliver", "received", 9, eventTime: now), report("x", "received", 1, eventTime: now, pipeline: "billing"),
        ].joined(separator: ",") + "]"
        #expect(try await TestHTTP.post(url + "/v1/reports", body: body).status == 202)
        _ = try await TestHTTP.post(url + "/v1/reports", body: "{")
        let latencies = #"{"pipeline":"orders","stage":"deliver","outcome":"passed","count":3,"latencies_ms":[1,2,3000],"end_to_end_ms":90}"#
        #expect(try await TestHTTP.post(url + "/v1/reports", body: latencies).status == 202)
        let metrics = try await TestHTTP.get(url + "/metrics")
        #expect(metrics.status == 200)
        let check = try promtool.run(["check", "metrics"], input: Array(metrics.body.utf8))
        #expect(check.status == 0, "promtool check metrics: \(check.output)")
        #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool findings: \(check.output)")
    }
}
