import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct ReadAPITests {
    @Test func lossBecomesFinalOnlyWhenTheBucketSettles() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            try await client.postReports("[" + reportJSON("ingest", "received", count: 10) + "," + reportJSON("ingest", "passed", count: 6) + "]")
            var stage = try #require(try await client.stage("ingest"))
            #expect(stage["in_flight"] as? Int == 4)
            #expect(stage["lost"] as? Int == 0)
            fixture.clock.advance(byMillis: 6 * minute)
            stage = try #require(try await client.stage("ingest"))
            #expect(stage["in_flight"] as? Int == 0)
            #expect(stage["lost"] as? Int == 4)
            #expect(try await client.metricValue(#"funnel_stage_lost_events{pipeline="orders",stage="ingest"}"#) == 4)
            #expect(try await client.metricValue(#"funnel_stage_settled_events_total{pipeline="orders",stage="ingest",outcome="received"}"#) == 10)
        }
    }

    @Test func pipelinesListsDeclaredAndDiscoveredPipelines() async throws {
        var configuration = FunnelConfiguration()
        configuration.ledger.pipelines = [PipelineDefinition(name: "billing", stages: ["charge", "settle"])]
        let fixture = try ServerFixture(configuration: configuration)
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            try await client.postReports(reportJSON("ingest", "received"))
            let pipelines = try #require(try await client.getJSON("/api/v1/pipelines").json["pipelines"] as? [[String: Any]])
            #expect(pipelines.map { $0["name"] as? String } == ["billing", "orders"])
            #expect(pipelines.first?["stages"] as? [String] == ["charge", "settle"])
            #expect(pipelines.first?["declared"] as? Bool == true)
            #expect(pipelines.last?["declared"] as? Bool == false)
        }
    }

    @Test func funnelTakesAnEventTimeRangeAndBucketDetail() async throws {
        let fixture = try ServerFixture(now: t0 + 10 * minute)
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            try await client.postReports("[" + reportJSON("a", "received", count: 1) + "," + reportJSON("a", "received", count: 2, eventTime: t0 + minute) + "]")
            let from = EventTimestamp.formatRFC3339(millis: t0 + minute)
            let ranged = try await client.getJSON("/api/v1/funnel?pipeline=orders&from=\(from)&detail=buckets")
            #expect(((ranged.json["stages"] as? [[String: Any]])?.first?["received"] as? Int) == 2)
            let buckets = try #require(ranged.json["buckets"] as? [[String: Any]])
            #expect(buckets.count == 1)
            #expect(buckets.first?["start"] as? String == from)
            let unix = try await client.getJSON("/api/v1/funnel?pipeline=orders&to=\((t0 + minute) / 1000)")
            #expect(((unix.json["stages"] as? [[String: Any]])?.first?["received"] as? Int) == 1)
        }
    }

    @Test(arguments: [
        ("/api/v1/funnel", 400, "pipeline"),
        ("/api/v1/funnel?pipeline=nope", 404, "pipeline"),
        ("/api/v1/funnel?pipeline=orders&from=tuesday", 400, "from"),
        ("/api/v1/funnel?pipeline=orders&from=200&to=100", 400, "from"),
        ("/api/v1/funnel?pipeline=orders&detail=everything", 400, "detail"),
        ("/api/v1/funnel?pipeline=orders&window=2m", 400, "window"),
    ])
    func badQueriesGetAJSONErrorNamingTheParameter(uri: String, status: Int, field: String) async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            try await client.postReports(reportJSON("a", "received"))
            let reply = try await client.getJSON(uri)
            #expect(reply.status == status)
            #expect(reply.json["field"] as? String == field)
        }
    }

    @Test func latencyPercentilesPerStageAndEndToEnd() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let samples = (1...100).map { String($0) }.joined(separator: ",")
            let body = """
                [{"pipeline":"orders","stage":"process","outcome":"passed","count":100,"latencies_ms":[\(samples)]},
                 {"pipeline":"orders","stage":"deliver","outcome":"passed","count":50,"latency_ms":40,"end_to_end_ms":1200}]
                """
            #expect(try await client.postReports(body).status == 202)
            let funnel = try await client.getJSON("/api/v1/funnel?pipeline=orders&window=1m")
            #expect(funnel.json["latency_window"] as? String == "1m")
            let stages = try #require(funnel.json["stages"] as? [[String: Any]])
            let process = try #require(stages.first?["latency_ms"] as? [String: Double])
            #expect(process["count"] == 100)
            #expect(abs(process["p50"]! - 50) / 50 <= 0.01)
            #expect(abs(process["p99"]! - 99) / 99 <= 0.01)
            #expect(process["max"] == 100)
            #expect(process["mean"] == 50.5)
            #expect(Set(process.keys) == ["p50", "p90", "p95", "p99", "p999", "max", "mean", "count"])
            let endToEnd = try #require(funnel.json["end_to_end_latency_ms"] as? [String: Double])
            #expect(endToEnd["count"] == 50)
            #expect(abs(endToEnd["p95"]! - 1200) / 1200 <= 0.01)
            let metrics = try await client.metrics().text
            #expect(metrics.contains(#"funnel_stage_latency_seconds_bucket{pipeline="orders",stage="deliver",le="0.05"} 50"#))
            #expect(metrics.contains(#"funnel_stage_latency_seconds_bucket{pipeline="orders",stage="deliver",le="0.025"} 0"#))
            #expect(metrics.contains(#"funnel_stage_latency_seconds_count{pipeline="orders",stage="process"} 100"#))
            #expect(metrics.contains(#"funnel_pipeline_end_to_end_latency_seconds_bucket{pipeline="orders",le="2.5"} 50"#))
            #expect(metrics.contains(#"funnel_stage_latency_quantile_seconds{pipeline="orders",stage="process",window="1h",quantile="0.5"} "#))
            // Samples leave the 1m window after a minute, but stay in the 5m one.
            fixture.clock.advance(byMillis: 61_000)
            let later = try await client.getJSON("/api/v1/funnel?pipeline=orders&window=1m")
            #expect(((later.json["stages"] as? [[String: Any]])?.first?["latency_ms"] as? [String: Double])?["count"] == 0)
            let fiveMinutes = try await client.getJSON("/api/v1/funnel?pipeline=orders")
            #expect(fiveMinutes.json["latency_window"] as? String == "5m")
            #expect(((fiveMinutes.json["stages"] as? [[String: Any]])?.first?["latency_ms"] as? [String: Double])?["count"] == 100)
        }
    }

    @Test func dlqDepthKeepsTheLastValueAndTurnsStale() async throws {
        var configuration = FunnelConfiguration()
        configuration.ledger.queueStaleAfterSeconds = 60
        let fixture = try ServerFixture(configuration: configuration)
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let body = #"[{"pipeline":"orders","queue":"orders-dlq","depth":42},{"pipeline":"orders","queue":"orders-dlq","depth":7,"time":"2026-11-26T10:00:00Z"}]"#
            #expect(try await client.postReports(body).json["accepted"] as? Int == 2)
            let fresh = try #require((try await client.getJSON("/api/v1/dlq").json["queues"] as? [[String: Any]])?.first)
            #expect(fresh["depth"] as? Int == 42, "the older observation does not win")
            #expect(fresh["stale"] as? Bool == false)
            #expect(try await client.metricValue(#"funnel_dlq_depth{pipeline="orders",queue="orders-dlq"}"#) == 42)
            fixture.clock.advance(byMillis: 61_000)
            let stale = try #require((try await client.getJSON("/api/v1/dlq").json["queues"] as? [[String: Any]])?.first)
            #expect(stale["depth"] as? Int == 42)
            #expect(stale["stale"] as? Bool == true)
            #expect(stale["age_seconds"] as? Double == 61)
            #expect(try await client.metricValue(#"funnel_dlq_depth_stale{pipeline="orders",queue="orders-dlq"}"#) == 1)
            #expect(try await client.metricValue(#"funnel_dlq_depth{pipeline="orders",queue="orders-dlq"}"#) == 42)
        }
    }

    @Test func metricsSpeakOpenMetricsWhenAsked() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            try await client.postReports(reportJSON("a", "received"))
            let text = try await client.metrics()
            #expect(text.contentType == "text/plain; version=0.0.4; charset=utf-8")
            #expect(text.text.contains("# TYPE funnel_stage_events_total counter"))
            let open = try await client.metrics(accept: "application/openmetrics-text; version=1.0.0")
            #expect(open.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
            #expect(open.text.contains("# TYPE funnel_stage_events counter"))
            #expect(open.text.hasSuffix("# EOF\n"))
        }
    }

    @Test func healthAndReadinessAnswer() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let healthy = try await client.execute(uri: "/-/healthy", method: .get)
            let ready = try await client.execute(uri: "/-/ready", method: .get)
            #expect(healthy.status == .ok)
            #expect(ready.status == .ok)
        }
    }
}
