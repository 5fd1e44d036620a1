import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

/// DogStatsD tags named like a pipeline's declared labels, over real UDP against a real server, read back per group.
@Suite struct StatsDLabelTests {
    static let t0 = wallClockMillis() / 60_000 * 60_000

    static func configuration() -> FunnelConfiguration {
        var configuration = StatsDListenerTests.configuration(mappings: [
            StatsDMapping(match: "*.*.latency", metricType: .timer, pipeline: "$1", stage: "$2"),
            StatsDMapping(match: "*.*.*", metricType: .counter, pipeline: "$1", stage: "$2", outcome: "$3"),
        ])
        configuration.ledger.pipelines = [
            PipelineDefinition(name: "events", stages: ["ingest", "deliver"], labels: ["tenant", "version"]),
            PipelineDefinition(name: "other", stages: ["ingest"]),
        ]
        return configuration
    }

    /// Lines of at most 5 events each that add up to `count`, from 4 hosts, in both forms (mapped name and tags),
    /// the tags in varying order.
    static func lines(_ stage: String, _ outcome: String, _ count: Int, tenant: String) -> [String] {
        stride(from: 0, to: count, by: 5).enumerated().map { number, sent in
            let value = min(5, count - sent)
            let host = "host:web-\(number % 4)"
            return number % 2 == 0
                ? "events.\(stage).\(outcome):\(value)|c|#\(host),tenant:\(tenant),env:prod"
                : "funnel.events:\(value)|c|#tenant:\(tenant),pipeline:events,\(host),outcome:\(outcome),stage:\(stage)"
        }
    }

    /// acme loses 30 of 100 at deliver, globex 5 of 50 in transit, initech none of 20; 3 events carry no tenant.
    static let goodLines: [String] = {
        var lines: [String] = []
        for (tenant, ingest, delivered, passed) in [("acme", 100, 100, 70), ("globex", 50, 45, 45), ("initech", 20, 20, 20)] {
            lines += Self.lines("ingest", "received", ingest, tenant: tenant) + Self.lines("ingest", "passed", ingest, tenant: tenant)
            lines += Self.lines("deliver", "received", delivered, tenant: tenant) + Self.lines("deliver", "passed", passed, tenant: tenant)
        }
        lines += ["events.ingest.received:3|c|#host:web-9", "other.ingest.received:2|c|#tenant:acme,version:1", "events.ingest.latency:5|ms|#tenant:acme"]
        // A fixed shuffle (37 is prime to the count), so tenants, stages and forms interleave across datagrams.
        return lines.indices.map { lines[($0 * 37) % lines.count] }
    }()

    static let badLines = [
        "events.ingest.received:1|c|#tenant:__other__",
        "events.ingest.received:1|c|#tenant:" + String(repeating: "x", count: 129),
        "events.ingest.received:1|c|#tenant:a\u{01}b",
        "events.ingest.received:1|c|#tenant:acme,tenant:globex",
        "funnel.events:1|c|#pipeline:events,stage:ingest,outcome:received,tenant",
    ]

    @Test func taggedLinesOfSeveralTenantsGiveExactCountsPerGroup() async throws {
        #expect(Self.goodLines.count % 37 != 0)
        let clock = ManualClock(millis: Self.t0)
        let server = try await LiveServer.start(configuration: Self.configuration(), clock: clock.closure)
        let udp = try #require(server.statsd?.udp?.port)
        let all = Self.goodLines + Self.badLines
        let datagrams = stride(from: 0, to: all.count, by: 20).map { all[$0..<min($0 + 20, all.count)].joined(separator: "\n") }
        try await StatsDSender.udp(datagrams, port: udp)
        #expect(try await eventually { try await StatsDListenerTests.lines(server, "accepted") == Double(Self.goodLines.count) })
        #expect(try await StatsDListenerTests.lines(server, "bad_tag") == Double(Self.badLines.count))
        #expect(try await StatsDListenerTests.lines(server, "unknown_label") == 0)
        #expect(try await server.stages(of: "events")["ingest"]?.latencyCount == 1, "a timer's label tag is ignored")
        clock.advance(byMillis: 10 * 60_000)

        let grouped = try await server.request("GET", "/api/v1/funnel?pipeline=events&by=tenant")
        #expect(grouped.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(grouped.body.utf8)) as? [String: Any])
        let groups = try #require(json["groups"] as? [[String: Any]])
        #expect(groups.map { $0["value"] as? String } == ["acme", "globex", "", "initech"])
        #expect(groups.map { ($0["totals"] as? [String: Any])?["lost"] as? Int } == [30, 5, 3, 0])
        let received = groups.map { ($0["stages"] as? [[String: Any]])?.map { $0["received"] as? Int } }
        #expect(received == [[100, 100], [50, 45], [3, 0], [20, 20]])

        let stages = try await server.stages(of: "events")
        #expect(stages["ingest"]?.counts == [173, 170, 0, 0], "the pipeline's own funnel is the sum")
        #expect(try await server.stages(of: "other")["ingest"]?.counts == [2, 0, 0, 0], "other declares no labels: its tags are ignored")
        #expect(try await server.metric(#"funnel_stage_events_total{pipeline="events",tenant="acme",stage="deliver",outcome="passed"}"#) == 70)
        #expect(try await server.metric(#"funnel_label_lost_events{pipeline="events",label="tenant",value="globex"}"#) == 5)
        try await server.stop()
    }

    /// A pipeline a reload adds with labels takes its label tags at once; lines summed before the reload still count.
    @Test func aReloadedPipelineTakesItsLabelTags() async throws {
        let clock = ManualClock(millis: Self.t0)
        let reloaded = Locked(Self.configuration())
        let server = try await LiveServer.start(configuration: Self.configuration(), clock: clock.closure, reloadConfiguration: { reloaded.withLock { $0 } })
        let udp = try #require(server.statsd?.udp?.port)
        try await StatsDSender.udp(["events.ingest.received:4|c|#tenant:acme"], port: udp)
        #expect(try await eventually { try await StatsDListenerTests.lines(server, "accepted") == 1 })

        reloaded.withLock { $0.ledger.pipelines.append(PipelineDefinition(name: "billing", stages: ["charge"], labels: ["tenant"])) }
        #expect(try await server.request("POST", "/-/reload").status == 200)
        try await StatsDSender.udp(["billing.charge.received:3|c|#tenant:acme,host:a\nbilling.charge.received:3|c|#host:b,tenant:acme\nbilling.charge.received:3|c|#tenant:globex"], port: udp)
        #expect(try await eventually { try await StatsDListenerTests.lines(server, "accepted") == 4 })

        for (pipeline, expected) in [("billing", [("acme", 6), ("globex", 3)]), ("events", [("acme", 4)])] {
            let grouped = try await server.request("GET", "/api/v1/funnel?pipeline=\(pipeline)&by=tenant")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(grouped.body.utf8)) as? [String: Any])
            let groups = try #require(json["groups"] as? [[String: Any]])
            let received = groups.map { ($0["value"] as? String ?? "?", ($0["stages"] as? [[String: Any]])?.first?["received"] as? Int ?? -1) }
            #expect(received.map(\.0) == expected.map(\.0), "\(pipeline)")
            #expect(received.map(\.1) == expected.map(\.1), "\(pipeline)")
        }
        try await server.stop()
    }
}
