import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Recovery outcomes and the completeness gate through the real router, SQLite and `/metrics`.
@Suite struct RecoveryAPITests {
    static let original = "[" + [
        reportJSON("ingest", "received", count: 1000), reportJSON("ingest", "passed", count: 1000),
        reportJSON("process", "received", count: 1000), reportJSON("process", "redelivered", count: 50),
        reportJSON("process", "passed", count: 830), reportJSON("process", "dead_lettered", count: 20),
        reportJSON("deliver", "received", count: 830), reportJSON("deliver", "passed", count: 830),
    ].joined(separator: ",") + "]"
    static let redrive = "[" + [
        reportJSON("process", "redriven", count: 20), reportJSON("process", "passed", count: 20),
        reportJSON("deliver", "received", count: 20), reportJSON("deliver", "passed", count: 20),
    ].joined(separator: ",") + "]"
    static let replay = "[" + [
        reportJSON("process", "replayed", count: 150), reportJSON("process", "passed", count: 150),
        reportJSON("deliver", "received", count: 150), reportJSON("deliver", "passed", count: 150),
    ].joined(separator: ",") + "]"

    static func configuration() -> FunnelConfiguration {
        var configuration = FunnelConfiguration()
        configuration.ledger.pipelines = [PipelineDefinition(name: "orders", stages: ["ingest", "process", "deliver"])]
        return configuration
    }

    @Test func theWorkedExampleOverHTTPSurvivesRetriesAndARestart() async throws {
        let fixture = try ServerFixture(configuration: Self.configuration())
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            #expect(try await client.postReports(Self.original).status == 202)
            fixture.clock.advance(byMillis: 10 * minute)
            // The redrive arrives after its bucket settled, and its sender retries it under the same key.
            #expect(try await client.postReports(Self.redrive, idempotencyKey: "redrive-1").status == 202)
            let retry = try await client.postReports(Self.redrive, idempotencyKey: "redrive-1")
            #expect(retry.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await client.postReports(Self.replay, idempotencyKey: "replay-1").status == 202)
        }
        // A second server on the same data directory restores every outcome.
        try await fixture.withClient { client in
            let funnel = try await client.getJSON("/api/v1/funnel?pipeline=orders&detail=buckets").json
            let stages = try #require(funnel["stages"] as? [[String: Any]])
            let process = stages[1]
            #expect(process["received"] as? Int == 1000)
            #expect(process["redelivered"] as? Int == 50)
            #expect(process["redriven"] as? Int == 20)
            #expect(process["replayed"] as? Int == 150)
            #expect(process["retry_ratio"] as? Double == 0.05)
            #expect(process["dlq_outstanding"] as? Int == 0)
            #expect(process["lost"] as? Int == 150)
            #expect(process["late_events"] as? Int == 170)
            #expect((process["settled"] as? [String: Any])?["replayed"] as? Int == 150)
            let totals = try #require(funnel["totals"] as? [String: Any])
            #expect(totals["ingested"] as? Int == 1000)
            #expect(totals["delivered"] as? Int == 1000)
            #expect(totals["recovered"] as? Int == 170)
            #expect(totals["recoverable"] as? Int == 0)
            #expect(totals["net_missing"] as? Int == 0)
            #expect(totals["settled_failed"] as? Int == 0)
            #expect(totals["delivery_ratio"] as? Double == 1.0)
            #expect(totals["recoverable_delivery_ratio"] as? Double == 1.0)
            let bucket = try #require((funnel["buckets"] as? [[String: Any]])?.first)
            #expect(bucket["recovered"] as? Int == 170)
            #expect(bucket["net_missing"] as? Int == 0)
            #expect((bucket["stages"] as? [[String: Any]])?[1]["redriven"] as? Int == 20)

            let (text, _) = try await client.metrics()
            #expect(text.contains(#"funnel_stage_events_total{pipeline="orders",stage="process",outcome="redriven"} 20"#))
            #expect(text.contains(#"funnel_stage_settled_events_total{pipeline="orders",stage="process",outcome="replayed"} 150"#))
            #expect(text.contains(#"funnel_stage_events_total{pipeline="orders",stage="process",outcome="redelivered"} 50"#))
            #expect(text.contains(#"funnel_stage_settled_events_total{pipeline="orders",stage="ingest",outcome="redriven"} 0"#), "every outcome has a series from the start")
            #expect(try await client.metricValue(#"funnel_pipeline_recoverable_events{pipeline="orders"}"#) == 0)
            #expect(try await client.metricValue(#"funnel_pipeline_net_missing_events{pipeline="orders"}"#) == 0)
            #expect(try await client.metricValue(#"funnel_pipeline_recoverable_delivery_ratio{pipeline="orders"}"#) == 1)
            #expect(try await client.metricValue(#"funnel_pipeline_delivery_ratio{pipeline="orders"}"#) == 1)
        }
    }

    @Test func theGaugesShowWhatTheDeadLetterQueuesStillHold() async throws {
        let fixture = try ServerFixture(configuration: Self.configuration())
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            try await client.postReports(Self.original)
            #expect(try await client.metricValue(#"funnel_pipeline_recoverable_events{pipeline="orders"}"#) == nil, "nothing settled yet")
            fixture.clock.advance(byMillis: 10 * minute)
            #expect(try await client.metricValue(#"funnel_pipeline_recoverable_events{pipeline="orders"}"#) == 20)
            #expect(try await client.metricValue(#"funnel_pipeline_net_missing_events{pipeline="orders"}"#) == 150)
            #expect(try await client.metricValue(#"funnel_pipeline_recoverable_delivery_ratio{pipeline="orders"}"#) == 0.85)
            #expect(try await client.metricValue(#"funnel_pipeline_delivery_ratio{pipeline="orders"}"#) == 0.83)
        }
    }

    @Test func theCompletenessGateAnswersBeforeAndAfterSettling() async throws {
        let fixture = try ServerFixture(configuration: Self.configuration())
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            try await client.postReports(Self.original)
            let from = EventTimestamp.formatRFC3339(millis: t0)
            let to = EventTimestamp.formatRFC3339(millis: t0 + minute)
            let path = "/api/v1/completeness?pipeline=orders&from=\(from)&to=\(to)"
            var answer = try await client.getJSON(path)
            #expect(answer.status == 200)
            #expect(answer.json["complete"] as? Bool == false)
            #expect(answer.json["settled"] as? Bool == false)
            #expect(answer.json["unsettled_buckets"] as? Int == 1)
            #expect(answer.json["threshold"] as? Double == 0.999)

            fixture.clock.advance(byMillis: 6 * minute)
            answer = try await client.getJSON(path)
            #expect(answer.json["settled"] as? Bool == true)
            #expect(answer.json["complete"] as? Bool == false)
            #expect(answer.json["ratio"] as? Double == 0.83)
            #expect(answer.json["recoverable"] as? Int == 20)
            #expect(answer.json["net_missing"] as? Int == 150)
            #expect(try await client.getJSON(path + "&threshold=0.83").json["complete"] as? Bool == true)
            #expect(try await client.getJSON(path + "&threshold=0.8301").json["complete"] as? Bool == false)

            try await client.postReports(Self.redrive)
            try await client.postReports(Self.replay)
            answer = try await client.getJSON(path)
            #expect(answer.json["complete"] as? Bool == true)
            #expect(answer.json["delivered"] as? Int == 1000)
        }
    }

    @Test(arguments: [
        ("/api/v1/completeness?from=0&to=60", 400, "pipeline"),
        ("/api/v1/completeness?pipeline=orders&to=60", 400, "from"),
        ("/api/v1/completeness?pipeline=orders&from=0", 400, "to"),
        ("/api/v1/completeness?pipeline=orders&from=120&to=60", 400, "from"),
        ("/api/v1/completeness?pipeline=orders&from=yesterday&to=60", 400, "from"),
        ("/api/v1/completeness?pipeline=orders&from=1795688100&to=1795688160&threshold=nan", 400, "threshold"),
        ("/api/v1/completeness?pipeline=orders&from=1795688100&to=1795688160&threshold=1.5", 400, "threshold"),
        ("/api/v1/completeness?pipeline=orders&from=1795688100&to=1795688160&threshold=1e999", 400, "threshold"),
        ("/api/v1/completeness?pipeline=orders&from=1795688100&to=1795688160&threshold=-0.1", 400, "threshold"),
        ("/api/v1/completeness?pipeline=orders&from=0&to=60", 400, "from"),
        ("/api/v1/completeness?pipeline=billing&from=1795688100&to=1795688160", 404, "pipeline"),
    ])
    func badCompletenessQueriesNameTheParameter(uri: String, status: Int, field: String) async throws {
        let fixture = try ServerFixture(configuration: Self.configuration())
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let reply = try await client.getJSON(uri)
            #expect(reply.status == status, "\(reply.json)")
            #expect(reply.json["field"] as? String == field)
        }
    }
}
