import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import Hummingbird
import HummingbirdTesting
import Testing

/// Watermarks through the real router and SQLite: settling within seconds, what the API and `/metrics` show, and a
/// restart that keeps them.
@Suite struct WatermarkAPITests {
    static func configuration() -> FunnelConfiguration {
        var configuration = FunnelConfiguration()
        configuration.ledger.pipelines = [PipelineDefinition(name: "orders", stages: ["ingest", "deliver"])]
        return configuration
    }

    static func watermarkJSON(_ stage: String, _ reporter: String, _ millis: Int64) -> String {
        #"{"pipeline":"orders","stage":"\#(stage)","reporter":"\#(reporter)","watermark":"\#(EventTimestamp.formatRFC3339(millis: millis))"}"#
    }

    @Test func watermarksMixedWithReportsSettleABucketAndSurviveARestart() async throws {
        let fixture = try ServerFixture(configuration: Self.configuration(), now: t0 + minute + 1000)
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let body = "[" + [
                reportJSON("ingest", "received", count: 100), reportJSON("ingest", "passed", count: 100),
                reportJSON("deliver", "received", count: 96), reportJSON("deliver", "passed", count: 96),
                Self.watermarkJSON("ingest", "ingest-1", t0 + minute), Self.watermarkJSON("deliver", "deliver-1", t0 + minute),
            ].joined(separator: ",") + "]"
            let reply = try await client.postReports(body)
            #expect(reply.status == 202)
            #expect(reply.json["accepted"] as? Int == 6)
            let funnel = try await client.getJSON("/api/v1/funnel?pipeline=orders&detail=buckets").json
            let transit = try #require((funnel["transit"] as? [[String: Any]])?.first)
            #expect(transit["lost"] as? Int == 4, "settled by the watermarks one second after the bucket ended")
            let bucket = try #require((funnel["buckets"] as? [[String: Any]])?.first)
            #expect(bucket["settled_by"] as? String == "watermark")
            let stage = try #require((funnel["stages"] as? [[String: Any]])?.first)
            #expect(stage["watermark"] as? String == "2026-11-26T10:16:00Z")
            #expect(stage["watermark_lag_seconds"] as? Double == 1)

            #expect(try await client.metricValue(#"funnel_stage_watermark_timestamp_seconds{pipeline="orders",stage="ingest"}"#) == Double(t0 + minute) / 1000)
            #expect(try await client.metricValue(#"funnel_stage_watermark_lag_seconds{pipeline="orders",stage="deliver"}"#) == 1)
            #expect(try await client.postReports("[" + reportJSON("deliver", "passed", count: 2) + "]").status == 202)
            let named = #"{"pipeline":"orders","stage":"deliver","reporter":"deliver-1","outcome":"failed","count":1,"event_time":"2026-11-26T10:15:00Z"}"#
            #expect(try await client.postReports(named).status == 202)
            #expect(try await client.metricValue(#"funnel_watermark_violations_total{pipeline="orders",stage="deliver",reporter=""}"#) == 2)
            #expect(try await client.metricValue(#"funnel_watermark_violations_total{pipeline="orders",stage="deliver",reporter="deliver-1"}"#) == 1)
            #expect(try await client.metricValue(#"funnel_watermark_violations_total{pipeline="orders",stage="ingest",reporter=""}"#) == 0)
        }
        // Three minutes later the reporters have timed out, but what they settled stays settled.
        fixture.clock.advance(byMillis: 3 * minute)
        try await fixture.withClient { client in
            let funnel = try await client.getJSON("/api/v1/funnel?pipeline=orders&detail=buckets").json
            #expect((funnel["transit"] as? [[String: Any]])?.first?["lost"] as? Int == 4)
            #expect((funnel["stages"] as? [[String: Any]])?.last?["excess"] as? Int == 3, "the violating reports are applied, and show")
            #expect((funnel["buckets"] as? [[String: Any]])?.first?["settled_by"] as? String == "watermark")
            let stage = try #require((funnel["stages"] as? [[String: Any]])?.last)
            #expect(stage["watermark_violations"] as? Int == 3)
            #expect(stage["watermark"] == nil, "no reporter is live any more")
            // A reporter that comes back picks up where the stored watermark was.
            try await client.postReports(Self.watermarkJSON("ingest", "ingest-1", t0))
            let reading = try await client.getJSON("/api/v1/funnel?pipeline=orders").json
            #expect((reading["stages"] as? [[String: Any]])?.first?["watermark"] as? String == "2026-11-26T10:16:00Z")
        }
    }

    @Test(arguments: [
        (#"{"pipeline":"orders","stage":"ingest","reporter":"a","watermark":"2030-01-01T00:00:00Z"}"#, "watermark", "event_time_out_of_range"),
        (#"{"pipeline":"orders","stage":"ingest","watermark":"2026-11-26T10:16:00Z"}"#, "reporter", "missing_field"),
        (#"{"pipeline":"orders","stage":"ingest","reporter":"a","watermark":"soon"}"#, "watermark", "invalid_value"),
    ])
    func badWatermarksAreRefusedNamingTheField(body: String, field: String, reason: String) async throws {
        let fixture = try ServerFixture(configuration: Self.configuration())
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let reply = try await client.postReports(body)
            #expect(reply.status == 400)
            #expect(reply.json["field"] as? String == field)
            #expect(reply.json["reason"] as? String == reason)
        }
    }
}
