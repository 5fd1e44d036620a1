import Foundation
import FunnelCore
import Testing

@Suite struct APIModelTests {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    @Test func alarmDecodesTheLeadsShape() throws {
        let json = #"""
            {"alarms": [{"name": "orders-dlq", "kind": "dlq_depth", "state": "firing", "since": "2026-11-18T08:24:30Z", "value": 340.0,
              "threshold": 100.0, "summary": "orders-dlq depth 340 (threshold 100)", "pipeline": "orders", "stage": null,
              "queue": "orders-dlq", "labels": {"team": "payments"}}]}
            """#
        let list = try Self.decoder().decode(AlarmList.self, from: Data(json.utf8))
        #expect(list.alarms.count == 1)
        #expect(list.alarms[0].state == .firing)
        #expect(list.alarms[0].value == 340)
        #expect(list.alarms[0].stage == nil)
        #expect(list.alarms[0].labels == ["team": "payments"])
        #expect(list.worstState == .firing)
        let again = try Self.decoder().decode(AlarmList.self, from: try Self.encoder().encode(list))
        #expect(again == list)
    }

    @Test func activeAlarmsAreFiringFirst() {
        let alarm = { (name: String, state: AlarmState) in
            AlarmStatus(name: name, kind: "k", state: state, since: nil, value: nil, threshold: 1, summary: "", pipeline: "p", stage: nil, queue: nil, labels: [:])
        }
        let list = AlarmList(alarms: [alarm("a", .pending), alarm("b", .inactive), alarm("c", .firing), alarm("b2", .firing)])
        #expect(list.active.map(\.name) == ["b2", "c", "a"])
    }

    @Test func queueDepthRoundTripsTheLeadsShape() throws {
        let json = #"{"queues": [{"pipeline": "orders", "queue": "orders-dlq", "depth": 42, "updated_at": "2026-11-18T08:26:39Z", "age_seconds": 3.2, "stale": false}]}"#
        let list = try Self.decoder().decode(QueueDepthList.self, from: Data(json.utf8))
        #expect(list.queues == [QueueDepth(pipeline: "orders", queue: "orders-dlq", depth: 42, updatedAt: "2026-11-18T08:26:39Z", ageSeconds: 3.2, stale: false)])
        let encoded = String(decoding: try Self.encoder().encode(list), as: UTF8.self)
        #expect(encoded == #"{"queues":[{"age_seconds":3.2,"depth":42,"pipeline":"orders","queue":"orders-dlq","stale":false,"updated_at":"2026-11-18T08:26:39Z"}]}"#)
    }

    @Test func funnelSurvivesTheServersEncodingAndTheClientsDecoding() throws {
        var ledger = FunnelLedger()
        let t0: Int64 = 1_795_688_100_000
        let reports = [
            StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 1_000, eventTimeMillis: t0, latencyMillis: 4),
            StageReport(pipeline: "orders", stage: "ingest", outcome: .passed, count: 620, eventTimeMillis: t0),
            StageReport(pipeline: "orders", stage: "ingest", outcome: .deadLettered, count: 373, eventTimeMillis: t0),
            StageReport(pipeline: "orders", stage: "deliver", outcome: .received, count: 600, eventTimeMillis: t0),
            StageReport(pipeline: "orders", stage: "deliver", outcome: .passed, count: 600, eventTimeMillis: t0, endToEndMillis: 250),
        ]
        ledger.apply(try ledger.admit(reports, nowMillis: t0), nowMillis: t0)
        ledger.settle(nowMillis: t0 + 600_000)
        let funnel = try #require(ledger.funnel(pipeline: "orders", includeBuckets: true))
        let data = try Self.encoder().encode(funnel)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""end_to_end_latency_ms":"#))
        #expect(text.contains(#""dead_lettered":373"#))
        #expect(try Self.decoder().decode(PipelineFunnel.self, from: data) == funnel)
    }

    @Test func pipelineCatalogDecodesTheServersShape() throws {
        let json = #"{"pipelines":[{"bucket_seconds":60,"declared":false,"name":"orders","settle_after_seconds":300,"stages":["ingest","deliver"]}]}"#
        let catalog = try Self.decoder().decode(PipelineCatalog.self, from: Data(json.utf8))
        #expect(catalog.pipelines == [PipelineDescriptor(name: "orders", stages: ["ingest", "deliver"])])
    }
}
