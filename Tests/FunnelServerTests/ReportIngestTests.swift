import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct ReportIngestTests {
    @Test func acceptedReportsShowUpInTheFunnel() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let body = "[" + [reportJSON("ingest", "received", count: 100), reportJSON("ingest", "passed", count: 97), reportJSON("deliver", "received", count: 95)].joined(separator: ",") + "]"
            let reply = try await client.postReports(body)
            #expect(reply.status == 202)
            #expect(reply.json["accepted"] as? Int == 3)
            fixture.clock.advance(byMillis: 10 * minute)
            let funnel = try await client.getJSON("/api/v1/funnel?pipeline=orders")
            #expect(funnel.status == 200)
            let stages = try #require(funnel.json["stages"] as? [[String: Any]])
            #expect(stages.map { $0["name"] as? String } == ["ingest", "deliver"])
            #expect(stages.first?["lost"] as? Int == 3)
            let transit = try #require((funnel.json["transit"] as? [[String: Any]])?.first)
            #expect(transit["lost"] as? Int == 2)
            let totals = try #require(funnel.json["totals"] as? [String: Any])
            #expect(totals["ingested"] as? Int == 100)
            #expect(totals["delivery_ratio"] as? Double == 0)
            #expect(try await client.metricValue("funnel_ingest_reports_total") == 3)
        }
    }

    /// Every rule of the contract: status, the reason counted, the report index and the field named.
    @Test(arguments: [
        (#"{"pipeline":"orders""#, "malformed_json", nil as Int?, nil as String?),
        (#"{"stage":"s","outcome":"received"}"#, "missing_field", 0, "pipeline"),
        (#"{"pipeline":"orders","stage":"s","outcome":"vanished"}"#, "unknown_outcome", 0, "outcome"),
        (#"{"pipeline":"orders","stage":"s","outcome":"received","count":-2}"#, "invalid_value", 0, "count"),
        (#"{"pipeline":"orders","stage":"s","outcome":"received","count":2.5}"#, "invalid_value", 0, "count"),
        (#"{"pipeline":"orders","stage":"s","outcome":"received","count":"2"}"#, "wrong_type", 0, "count"),
        (#"{"pipeline":"","stage":"s","outcome":"received"}"#, "invalid_value", 0, "pipeline"),
        (#"{"pipeline":"orders","stage":"a b","outcome":"received"}"#, "invalid_value", 0, "stage"),
        (#"{"pipeline":"orders","stage":"s","outcome":"received","event_time":"soon"}"#, "invalid_value", 0, "event_time"),
        (#"{"pipeline":"orders","stage":"s","outcome":"received","event_time":"2030-01-01T00:00:00Z"}"#, "event_time_out_of_range", 0, "event_time"),
        (#"{"pipeline":"orders","stage":"s","outcome":"received","latency_ms":-3}"#, "invalid_value", 0, "latency_ms"),
        (#"{"pipeline":"orders","stage":"s","outcome":"received","extra":1}"#, "unknown_field", 0, "extra"),
        (#""just a string""#, "invalid_body", nil, nil),
    ])
    func badInputIsRejectedWithAJSONErrorAndCounted(body: String, reason: String, index: Int?, field: String?) async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let reply = try await client.postReports(body)
            #expect(reply.status == 400)
            #expect(reply.json["reason"] as? String == reason)
            #expect(reply.json["index"] as? Int == index)
            #expect(reply.json["field"] as? String == field)
            #expect((reply.json["error"] as? String)?.isEmpty == false)
            #expect(reply.headers[.contentType] == "application/json")
            #expect(try await client.metricValue("funnel_ingest_rejected_total{reason=\"\(reason)\"}") == 1)
            // The server keeps serving.
            #expect(try await client.postReports(reportJSON("s", "received")).status == 202)
        }
    }

    @Test func oneBadReportRejectsTheWholeRequest() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let body = "[" + reportJSON("ingest", "received", count: 5) + "," + #"{"pipeline":"orders","stage":"ingest","outcome":"passed","count":0}"# + "]"
            let reply = try await client.postReports(body)
            #expect(reply.status == 400)
            #expect(reply.json["error"] as? String == "reports[1].count: must be an integer from 1 to 1000000000000, got 0")
            #expect(try await client.getJSON("/api/v1/funnel?pipeline=orders").status == 404)
            #expect(try await client.metricValue("funnel_ingest_reports_total") == 0)
        }
    }

    @Test func oversizedBodyGets413AndIsCounted() async throws {
        var configuration = FunnelConfiguration()
        configuration.maximumBodyBytes = 1024
        let fixture = try ServerFixture(configuration: configuration)
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let body = "[" + Array(repeating: reportJSON("ingest", "received"), count: 40).joined(separator: ",") + "]"
            let reply = try await client.postReports(body)
            #expect(reply.status == 413)
            #expect(reply.json["reason"] as? String == "body_too_large")
            #expect(try await client.metricValue("funnel_ingest_rejected_total{reason=\"body_too_large\"}") == 1)
            #expect(try await client.postReports(reportJSON("ingest", "received")).status == 202)
        }
    }

    @Test func retryWithTheSameIdempotencyKeyIsNotCountedTwice() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let body = "[" + reportJSON("ingest", "received", count: 7) + "]"
            let first = try await client.postReports(body, idempotencyKey: "batch-1")
            let retry = try await client.postReports(body, idempotencyKey: "batch-1")
            #expect(first.status == 202)
            #expect(retry.status == 202)
            #expect(retry.json["accepted"] as? Int == 1)
            #expect(retry.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await client.stage("ingest")?["received"] as? Int == 7)
            let other = try await client.postReports(body, idempotencyKey: "batch-2")
            #expect(other.status == 202)
            #expect(try await client.stage("ingest")?["received"] as? Int == 14)
        }
    }

    @Test func reusingAKeyForADifferentBodyIsRefused() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            #expect(try await client.postReports(reportJSON("ingest", "received"), idempotencyKey: "k").status == 202)
            let reply = try await client.postReports(reportJSON("ingest", "received", count: 2), idempotencyKey: "k")
            #expect(reply.status == 422)
            #expect(reply.json["reason"] as? String == "idempotency_conflict")
            #expect(reply.json["field"] as? String == "Idempotency-Key")
            #expect(try await client.stage("ingest")?["received"] as? Int == 1)
        }
    }

    @Test func cardinalityFloodIsCappedAndExistingSeriesKeepWorking() async throws {
        var configuration = FunnelConfiguration()
        configuration.ledger.maximumStagesPerPipeline = 3
        let fixture = try ServerFixture(configuration: configuration)
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            var rejected = 0
            for index in 0..<10 {
                let reply = try await client.postReports(reportJSON("stage-\(index)", "received"))
                if reply.status == 400 {
                    rejected += 1
                    #expect(reply.json["reason"] as? String == "too_many_stages")
                }
            }
            #expect(rejected == 7)
            #expect(try await client.postReports(reportJSON("stage-0", "received")).status == 202)
            #expect(try await client.stage("stage-0")?["received"] as? Int == 2)
            #expect(try await client.metricValue("funnel_ingest_rejected_total{reason=\"too_many_stages\"}") == 7)
        }
    }

    @Test func restartKeepsCountsOrderLateEventsAndIdempotencyKeys() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        let body = "[" + [reportJSON("ingest", "received", count: 10), reportJSON("ingest", "passed", count: 9), reportJSON("deliver", "received", count: 9, eventTime: t0 + minute)].joined(separator: ",") + "]"
        try await fixture.withClient { client in
            let first = try await client.postReports(body, idempotencyKey: "once")
            #expect(first.status == 202)
            fixture.clock.advance(byMillis: 10 * minute)
            let late = try await client.postReports(reportJSON("ingest", "failed", count: 1))
            #expect(late.status == 202)
            let depth = try await client.postReports(#"{"pipeline":"orders","queue":"orders-dlq","depth":17}"#)
            #expect(depth.status == 202)
        }
        let before = fixture.clock.now
        try await fixture.withClient { client in
            #expect(fixture.clock.now == before)
            let stages = try #require(try await client.getJSON("/api/v1/funnel?pipeline=orders").json["stages"] as? [[String: Any]])
            #expect(stages.map { $0["name"] as? String } == ["ingest", "deliver"])
            #expect(stages.first?["received"] as? Int == 10)
            #expect(stages.first?["failed"] as? Int == 1)
            #expect(stages.first?["lost"] as? Int == 0)
            #expect(stages.first?["late_events"] as? Int == 1)
            let retry = try await client.postReports(body, idempotencyKey: "once")
            #expect(retry.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await client.stage("ingest")?["received"] as? Int == 10)
            #expect(try await client.metricValue(#"funnel_stage_events_total{pipeline="orders",stage="deliver",outcome="received"}"#) == 9)
            let queues = try await client.getJSON("/api/v1/dlq").json["queues"] as? [[String: Any]]
            #expect(queues?.first?["depth"] as? Int == 17)
        }
    }
}
