import CompressNIO
import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// One OTLP JSON data point of `funnel.events`.
struct OTLPSumPoint: Sendable {
    var attributes: [(String, String)]
    var start: Int64 = t0 - minute
    var time: Int64 = t0
    var value: Int

    var json: String {
        let attributes = self.attributes.map { #"{"key":"\#($0.0)","value":{"stringValue":"\#($0.1)"}}"# }.joined(separator: ",")
        return #"{"attributes":[\#(attributes)],"startTimeUnixNano":"\#(self.start * 1_000_000)","timeUnixNano":"\#(self.time * 1_000_000)","asInt":"\#(self.value)"}"#
    }
}

/// An OTLP JSON export of metrics (each already JSON) from one resource and scope.
func otlpExport(_ metrics: [String], service: String = "checkout") -> String {
    #"{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"\#(service)"}}]},"scopeMetrics":[{"scope":{"name":"test"},"metrics":[\#(metrics.joined(separator: ","))]}]}]}"#
}

/// A `funnel.events` sum; temporality 1 is delta, 2 cumulative.
func eventsMetric(_ points: [OTLPSumPoint], temporality: Int = 2, monotonic: Bool = true) -> String {
    #"{"name":"funnel.events","sum":{"dataPoints":[\#(points.map(\.json).joined(separator: ","))],"aggregationTemporality":\#(temporality),"isMonotonic":\#(monotonic)}}"#
}

func orders(_ stage: String, _ outcome: String) -> [(String, String)] {
    [("pipeline", "orders"), ("stage", stage), ("outcome", outcome)]
}

extension TestClientProtocol {
    /// Posts an OTLP body to `/v1/metrics`; returns status, body and headers.
    @discardableResult
    func postMetrics(
        _ body: [UInt8], contentType: String = "application/json", encoding: String? = nil
    ) async throws -> (status: Int, body: String, headers: HTTPFields) {
        var headers: HTTPFields = [.contentType: contentType]
        if let encoding { headers[.contentEncoding] = encoding }
        return try await self.execute(uri: "/v1/metrics", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            (Int(response.status.code), String(buffer: response.body), response.headers)
        }
    }

    @discardableResult
    func postMetrics(_ json: String) async throws -> (status: Int, body: String, headers: HTTPFields) {
        try await self.postMetrics(Array(json.utf8))
    }

    func counts(_ stage: String) async throws -> [Int] {
        let entry = try await self.stage(stage)
        return ["received", "passed", "failed", "dead_lettered"].map { entry?[$0] as? Int ?? -1 }
    }
}

@Suite struct OTLPReceiverTests {
    @Test func cumulativePointsCountTheirDifferencesAndARetryAddsNothing() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let first = otlpExport([eventsMetric([OTLPSumPoint(attributes: orders("ingest", "received"), value: 10)])])
            let reply = try await client.postMetrics(first)
            #expect(reply.status == 200)
            #expect(reply.body == "{}")
            #expect(reply.headers[.contentType] == "application/json")
            #expect(try await client.postMetrics(first).status == 200)
            #expect(try await client.counts("ingest") == [10, 0, 0, 0])
            try await client.postMetrics(otlpExport([eventsMetric([OTLPSumPoint(attributes: orders("ingest", "received"), time: t0 + 1000, value: 25)])]))
            #expect(try await client.counts("ingest") == [25, 0, 0, 0])
            // The sender restarted: a later start time, its count from zero.
            try await client.postMetrics(
                otlpExport([eventsMetric([OTLPSumPoint(attributes: orders("ingest", "received"), start: t0 + 1500, time: t0 + 2000, value: 3)])])
            )
            #expect(try await client.counts("ingest") == [28, 0, 0, 0])
            // The same attributes from another resource are another stream.
            try await client.postMetrics(otlpExport([eventsMetric([OTLPSumPoint(attributes: orders("ingest", "received"), value: 7)])], service: "billing"))
            #expect(try await client.counts("ingest") == [35, 0, 0, 0])
            #expect(try await client.metricValue(#"funnel_otlp_data_points_total{result="accepted"}"#) == 5)
        }
    }

    @Test func cumulativePositionsSurviveARestart() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        let point = OTLPSumPoint(attributes: orders("ingest", "passed"), value: 40)
        try await fixture.withClient { client in
            let reply = try await client.postMetrics(otlpExport([eventsMetric([point])]))
            #expect(reply.status == 200)
        }
        try await fixture.withClient { client in
            let again = try await client.postMetrics(otlpExport([eventsMetric([point])]))
            #expect(again.status == 200)
            let later = try await client.postMetrics(otlpExport([eventsMetric([OTLPSumPoint(attributes: orders("ingest", "passed"), time: t0 + 1000, value: 44)])]))
            #expect(later.status == 200)
            #expect(try await client.counts("ingest") == [0, 44, 0, 0])
        }
    }

    /// Ten exports of one stream at once, in whatever order they arrive: one at a time from reading the stream's
    /// position to storing the counts, so the total counted is the highest total sent, never a sum of overlaps.
    @Test func concurrentCumulativeExportsOfOneStreamCountItsTotalOnce() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for step in 1...10 {
                    group.addTask {
                        let point = OTLPSumPoint(attributes: orders("ingest", "received"), time: t0 + Int64(step) * 100, value: step * 10)
                        return try await client.postMetrics(otlpExport([eventsMetric([point])])).status
                    }
                }
                for try await status in group { #expect(status == 200) }
            }
            // Whichever order they passed in, each counted its difference from the one before it, or nothing when a
            // later one had passed first: together, the highest total.
            #expect(try await client.counts("ingest") == [100, 0, 0, 0])
            let last = try await client.postMetrics(otlpExport([eventsMetric([OTLPSumPoint(attributes: orders("ingest", "received"), time: t0 + 2000, value: 120)])]))
            #expect(last.status == 200)
            #expect(try await client.counts("ingest") == [120, 0, 0, 0])
        }
    }

    @Test func deltaPointsAreAddedAsTheyCome() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            for value in [3, 4, 5] {
                try await client.postMetrics(otlpExport([eventsMetric([OTLPSumPoint(attributes: orders("deliver", "dead_lettered"), value: value)], temporality: 1)]))
            }
            #expect(try await client.counts("deliver") == [0, 0, 0, 12])
            // Every outcome a report takes, the recovery outcomes included.
            try await client.postMetrics(otlpExport([eventsMetric([OTLPSumPoint(attributes: orders("deliver", "redriven"), value: 2)], temporality: 1)]))
            #expect(try await client.stage("deliver")?["redriven"] as? Int == 2)
        }
    }

    @Test func pointsThatDoNotMapAreRejectedByNameAndTheRestIsCounted() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let body = otlpExport([
                eventsMetric([
                    OTLPSumPoint(attributes: orders("ingest", "received"), value: 5),
                    OTLPSumPoint(attributes: [("pipeline", "orders"), ("outcome", "received")], value: 1),
                    OTLPSumPoint(attributes: orders("ingest", "vanished"), value: 1),
                    OTLPSumPoint(attributes: orders("bad stage", "passed"), value: 1),
                ]),
                #"{"name":"http.server.duration","gauge":{"dataPoints":[{"asDouble":1.5},{"asDouble":2.5}]}}"#,
            ])
            let reply = try await client.postMetrics(body)
            #expect(reply.status == 200)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
            let partial = try #require(json["partialSuccess"] as? [String: Any])
            #expect(partial["rejectedDataPoints"] as? String == "3")
            let message = try #require(partial["errorMessage"] as? String)
            #expect(message.hasPrefix("3 data points rejected: "))
            #expect(message.contains(#"funnel.events resource_metrics[0].scope_metrics[0].metrics[0].sum.data_points[1]: attribute "stage" is missing"#))
            #expect(message.contains(#"data_points[2]: attribute "outcome": "vanished" is not an outcome ("# + Outcome.allCases.map(\.name).joined(separator: ", ") + ")"))
            #expect(message.contains(#"data_points[3]: attribute "stage": may only contain"#))
            #expect(try await client.counts("ingest") == [5, 0, 0, 0])
            #expect(try await client.metricValue(#"funnel_otlp_data_points_total{result="accepted"}"#) == 1)
            #expect(try await client.metricValue(#"funnel_otlp_data_points_total{result="rejected"}"#) == 3)
            #expect(try await client.metricValue(#"funnel_otlp_data_points_total{result="ignored"}"#) == 2)
            #expect(try await client.metricValue(#"funnel_otlp_requests_total{result="partial"}"#) == 1)
        }
    }

    @Test func manyRejectedPointsAreCountedAndTheFirstFiveNamed() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let points = (0..<1000).map { OTLPSumPoint(attributes: [("pipeline", "orders"), ("stage", "s\($0)")], value: 1) }
            let reply = try await client.postMetrics(otlpExport([eventsMetric(points, temporality: 1)]))
            #expect(reply.status == 200)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
            let partial = try #require(json["partialSuccess"] as? [String: Any])
            #expect(partial["rejectedDataPoints"] as? String == "1000")
            let message = try #require(partial["errorMessage"] as? String)
            #expect(message.hasPrefix("1000 data points rejected: "))
            #expect(message.hasSuffix("data_points[4]: attribute \"outcome\" is missing; and 995 more"))
        }
    }

    @Test func anUndecodableBodyIsRefusedWith400AndTheServerKeepsServing() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let garbage = try await client.postMetrics([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01], contentType: "application/x-protobuf")
            #expect(garbage.status == 400)
            #expect(garbage.headers[.contentType] == "application/x-protobuf")
            let json = try await client.postMetrics(#"{"resourceMetrics": [{"#)
            #expect(json.status == 400)
            #expect(json.body.contains("not an ExportMetricsServiceRequest in OTLP JSON"))
            #expect(json.body.contains(#""code":3"#))
            #expect(try await client.postMetrics(Array("{}".utf8), contentType: "text/plain").status == 415)
            #expect(try await client.postMetrics(otlpExport([eventsMetric([OTLPSumPoint(attributes: orders("ingest", "received"), value: 2)])])).status == 200)
            #expect(try await client.counts("ingest") == [2, 0, 0, 0])
            #expect(try await client.metricValue(#"funnel_otlp_requests_total{result="malformed"}"#) == 2)
        }
    }

    @Test func aGzipBodyIsInflatedAndOneInflatingPastTheLimitIsRefusedWith413() async throws {
        var configuration = FunnelConfiguration()
        configuration.maximumBodyBytes = 64 * 1024
        let fixture = try ServerFixture(configuration: configuration)
        let limit = configuration.maximumBodyBytes
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            var plain = ByteBuffer(string: otlpExport([eventsMetric([OTLPSumPoint(attributes: orders("ingest", "received"), value: 9)])]))
            let gzipped = try plain.compress(with: .gzip())
            #expect(try await client.postMetrics(Array(gzipped.readableBytesView), encoding: "gzip").status == 200)
            #expect(try await client.counts("ingest") == [9, 0, 0, 0])
            var bomb = ByteBuffer(bytes: [UInt8](repeating: 0x20, count: 1 << 20))
            let compressedBomb = try bomb.compress(with: .gzip())
            #expect(compressedBomb.readableBytes < limit)
            #expect(try await client.postMetrics(Array(compressedBomb.readableBytesView), encoding: "gzip").status == 413)
            #expect(try await client.postMetrics(Array("not gzip".utf8), encoding: "gzip").status == 400)
            #expect(try await client.postMetrics(Array("{}".utf8), encoding: "br").status == 415)
            #expect(try await client.metricValue(#"funnel_otlp_requests_total{result="too_large"}"#) == 1)
        }
    }

    @Test func anExplicitHistogramLandsInTheStageLatencyByBucketAndADepthGaugeInTheDLQ() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let attributes = #"[{"key":"pipeline","value":{"stringValue":"orders"}},{"key":"stage","value":{"stringValue":"process"}}]"#
            let histogram = #"""
                {"name":"funnel.latency","unit":"s","histogram":{"aggregationTemporality":1,"dataPoints":[{"attributes":\#(attributes),
                "timeUnixNano":"\#(t0 * 1_000_000)","count":"10","bucketCounts":["0","8","2"],"explicitBounds":[0.01,0.02]}]}}
                """#
            let depth = #"""
                {"name":"funnel.dlq.depth","gauge":{"dataPoints":[{"attributes":[{"key":"pipeline","value":{"stringValue":"orders"}},
                {"key":"queue","value":{"stringValue":"orders-dlq"}}],"timeUnixNano":"\#(t0 * 1_000_000)","asInt":"6"}]}}
                """#
            #expect(try await client.postMetrics(otlpExport([eventsMetric([OTLPSumPoint(attributes: orders("process", "passed"), value: 10)]), histogram, depth])).status == 200)
            let stage = try #require(try await client.stage("process"))
            let latency = try #require(stage["latency_ms"] as? [String: Any])
            #expect(latency["count"] as? Int == 10)
            // Eight values in (10, 20] ms stand at 15 ms, two in the open bucket above 20 ms at 20 ms.
            #expect(abs((latency["p50"] as? Double ?? 0) - 15) <= 15 * LatencySketch.relativeAccuracy)
            #expect(abs((latency["max"] as? Double ?? 0) - 20) <= 20 * LatencySketch.relativeAccuracy)
            #expect(try await client.metricValue(#"funnel_dlq_depth{pipeline="orders",queue="orders-dlq"}"#) == 6)
        }
    }
}
