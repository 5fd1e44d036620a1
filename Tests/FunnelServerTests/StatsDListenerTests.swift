import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

/// The StatsD listener against a real server, over real UDP and TCP sockets on 127.0.0.1.
@Suite struct StatsDListenerTests {
    static func configuration(mappings: [StatsDMapping] = [], maximumLineBytes: Int = 64 * 1024, flushLines: Int = 10_000) -> FunnelConfiguration {
        var configuration = FunnelConfiguration()
        configuration.statsd = StatsDConfiguration(
            udpListen: ListenAddress(host: "127.0.0.1", port: 0),
            tcpListen: ListenAddress(host: "127.0.0.1", port: 0),
            mappings: mappings,
            receiveBufferBytes: 1 << 20,
            flushIntervalSeconds: 0.02,
            flushLines: flushLines,
            maximumLineBytes: maximumLineBytes
        )
        return configuration
    }

    static func lines(_ server: LiveServer, _ result: String) async throws -> Double? {
        try await server.metric(#"funnel_statsd_lines_total{result="\#(result)"}"#)
    }

    @Test func countsEveryTaggedLineFormSentOverUDP() async throws {
        let server = try await LiveServer.start(configuration: Self.configuration())
        let udp = try #require(server.statsd?.udp?.port)
        let eventTime = EventTimestamp.formatRFC3339(millis: (wallClockMillis() / 60_000 - 1) * 60_000)
        try await StatsDSender.udp([
            """
            funnel.events:10|c|#pipeline:orders,stage:ingest,outcome:received
            funnel.events:3|c|@0.5|#pipeline:orders,stage:ingest,outcome:passed
            funnel.events:1|c|#pipeline:orders,stage:ingest,outcome:failed,env:prod
            funnel.events:2|c|#pipeline:orders,stage:ingest,outcome:dead_lettered
            """,
            "funnel.latency:12.5|ms|@0.25|#pipeline:orders,stage:process\nfunnel.latency:2|h|#pipeline:orders,stage:process",
            "funnel.dlq_depth:42|g|#pipeline:orders,queue:orders-dlq",
            "funnel.events:4|c|#pipeline:orders,stage:process,outcome:received,event_time:\(eventTime)",
        ], port: udp)
        #expect(try await eventually { try await Self.lines(server, "accepted") == 8 })
        let stages = try await server.stages(of: "orders")
        #expect(stages["ingest"]?.counts == [10, 6, 1, 2])
        #expect(stages["process"]?.counts == [4, 0, 0, 0])
        #expect(stages["process"]?.latencyCount == 5, "4 for the sample at @0.25, 1 for the histogram")
        #expect(stages["process"]?.latencyMaxMillis == 12.5)
        #expect(try await server.metric(#"funnel_dlq_depth{pipeline="orders",queue="orders-dlq"}"#) == 42)
        #expect(try await server.metric(#"funnel_dlq_depth_age_seconds{pipeline="orders",queue="orders-dlq"}"#) != nil)
        #expect(try await Self.lines(server, "malformed") == 0)
        try await server.stop()
    }

    /// With a tiny `flush_lines`, reading pauses while the flusher catches up (past 8x the entries) and resumes
    /// after: every line still counts, none twice.
    @Test func pausesAndResumesReadingWhenTheFlusherFallsBehind() async throws {
        let server = try await LiveServer.start(configuration: Self.configuration(flushLines: 1))
        let udp = try #require(server.statsd?.udp?.port)
        // Distinct lines (an ignored tag differs) for one series: each is an entry of its own until the flush.
        try await StatsDSender.udp((0..<300).map { "funnel.events:1|c|#pipeline:orders,stage:ingest,outcome:received,n:\($0)" }, port: udp)
        #expect(try await eventually { try await Self.lines(server, "accepted") == 300 })
        #expect(try await server.stages(of: "orders")["ingest"]?.counts == [300, 0, 0, 0])
        try await server.stop()
    }

    @Test func takesNewlineDelimitedLinesOverTCPSplitAnywhere() async throws {
        let server = try await LiveServer.start(configuration: Self.configuration())
        let tcp = try #require(server.statsd?.tcp?.port)
        try await StatsDSender.tcp([
            "funnel.events:5|c|#pipeline:orders,stage:ingest,outcome:received\nfunnel.events:2|c|#pipe",
            "line:orders,stage:ingest,outcome:passed\r\n",
            "funnel.events:1|c|#pipeline:orders,stage:ingest,outcome:failed\n\n",
            "funnel.events:1|c|#pipeline:orders,stage:ingest,outcome:dead_lettered",
        ], port: tcp)
        try await StatsDSender.tcp(["funnel.events:1|c|#pipeline:orders,stage:ship,outcome:received\n"], port: tcp)
        #expect(try await eventually { try await Self.lines(server, "accepted") == 5 })
        let stages = try await server.stages(of: "orders")
        #expect(stages["ingest"]?.counts == [5, 2, 1, 1])
        #expect(stages["ship"]?.counts == [1, 0, 0, 0])
        try await server.stop()
    }

    /// Bad lines are counted by reason and never stop the listener: a good line after them still counts.
    @Test func countsBadLinesByReasonAndKeepsListening() async throws {
        let server = try await LiveServer.start(configuration: Self.configuration(maximumLineBytes: 256))
        let udp = try #require(server.statsd?.udp?.port)
        let tcp = try #require(server.statsd?.tcp?.port)
        let old = EventTimestamp.formatRFC3339(millis: wallClockMillis() - 100 * 3600 * 1000)
        try await StatsDSender.udp([
            "bogus\nfunnel.events:1|s|#a:b\nfunnel.events:1|g|#pipeline:o,stage:s,outcome:received",
            "funnel.events:x|c|#pipeline:o,stage:s,outcome:received",
            "funnel.events:1|c|@2|#pipeline:o,stage:s,outcome:received",
            "funnel.events:1|c|#pipeline:o,pipeline:p,stage:s,outcome:received",
            "funnel.events:1|c|#pipeline:o,stage:s",
            "funnel.events:1|c|#pipeline:o o,stage:s,outcome:received",
            "funnel.events:1|c|#pipeline:o,stage:s,outcome:lost",
            "app.requests:1|c",
            "funnel.events:1|c|#pipeline:o,stage:s,outcome:received,event_time:\(old)\nfunnel.events:1|c|#pipeline:o,stage:s,outcome:passed",
        ], port: udp)
        try await StatsDSender.tcp([String(repeating: "x", count: 1000), "\nfunnel.events:1|c|#pipeline:o,stage:s,outcome:received\n"], port: tcp)
        #expect(try await eventually { try await Self.lines(server, "accepted") == 2 })
        #expect(try await eventually { try await Self.lines(server, "event_time_out_of_range") == 1 })
        for (reason, count) in [
            ("malformed", 1.0), ("unknown_type", 1), ("type_mismatch", 1), ("bad_value", 1), ("bad_sample_rate", 1), ("bad_tag", 1),
            ("missing_tag", 1), ("bad_name", 1), ("unknown_outcome", 1), ("unmapped", 1), ("too_long", 1), ("store_failed", 0),
        ] {
            #expect(try await Self.lines(server, reason) == count, "result=\(reason)")
        }
        #expect(try await server.stages(of: "o")["s"]?.counts == [1, 1, 0, 0])
        try await server.stop()
    }

    @Test func mapsDottedNamesWithTheConfiguredRules() async throws {
        let server = try await LiveServer.start(configuration: Self.configuration(mappings: [
            StatsDMapping(match: "*.*.latency", metricType: .timer, pipeline: "$1", stage: "$2"),
            StatsDMapping(match: "*.dlq.*", metricType: .gauge, pipeline: "$1", queue: "$2"),
            StatsDMapping(match: "*.*.*", pipeline: "$1", stage: "$2", outcome: "$3"),
        ]))
        let udp = try #require(server.statsd?.udp?.port)
        try await StatsDSender.udp([
            "shop.cart.received:7|c\nshop.cart.passed:6|c|@0.5\nshop.cart.latency:30|ms\nshop.dlq.cart-dlq:3|g\nshop.cart:1|c"
        ], port: udp)
        #expect(try await eventually { try await Self.lines(server, "accepted") == 4 })
        #expect(try await server.stages(of: "shop")["cart"] == StageTotals(received: 7, passed: 12, latencyCount: 1, latencyMaxMillis: 30))
        #expect(try await server.metric(#"funnel_dlq_depth{pipeline="shop",queue="cart-dlq"}"#) == 3)
        #expect(try await Self.lines(server, "unmapped") == 1)
        try await server.stop()
    }

    /// StatsD lines take the same write path as HTTP reports: persisted before they count, so they survive a restart.
    @Test func linesAreStoredLikeHTTPReports() async throws {
        let server = try await LiveServer.start(configuration: Self.configuration())
        let udp = try #require(server.statsd?.udp?.port)
        try await StatsDSender.udp(["funnel.events:9|c|#pipeline:orders,stage:ingest,outcome:received\nfunnel.latency:5|ms|#pipeline:orders,stage:ingest"], port: udp)
        #expect(try await eventually { try await Self.lines(server, "accepted") == 2 })
        #expect(try await server.stages(of: "orders")["ingest"]?.latencyCount == 1)
        let http = try await server.request("POST", "/v1/reports", body: #"{"pipeline":"orders","stage":"ingest","outcome":"passed","count":4}"#)
        #expect(http.status == 202)
        try await server.stop()

        let restarted = try await LiveServer.start(configuration: Self.configuration(), dataDirectory: server.dataDirectory)
        #expect(try await restarted.stages(of: "orders")["ingest"]?.counts == [9, 4, 0, 0])
        try await restarted.stop()
    }

    @Test func reportsTheReceiveBufferAndKernelDrops() async throws {
        let server = try await LiveServer.start(configuration: Self.configuration())
        let buffer = try #require(try await server.metric("funnel_statsd_receive_buffer_bytes"))
        #expect(buffer >= 4096)
        #if os(Linux)
        #expect(try await server.metric("funnel_statsd_kernel_drops_total") == 0)
        #endif
        try await server.stop()
    }
}

/// Hostile sample rates and values over real UDP and TCP: each line is refused with a counted reason and the
/// listener keeps counting the good lines around them.
@Suite struct StatsDHostileLineTests {
    static let hostile = [
        "funnel.events:1|c|@1e-20|#pipeline:p,stage:s,outcome:received",
        "funnel.events:5|c|@1e-300|#pipeline:p,stage:s,outcome:passed",
        "funnel.latency:12|ms|@1e-20|#pipeline:p,stage:s",
        "funnel.latency:12|h|@5e-324|#pipeline:p,stage:s",
        "funnel.latency:12|d|@1e-9999999999999999999|#pipeline:p,stage:s",
        "funnel.dlq_depth:3|g|@1e-20|#pipeline:p,queue:q",
    ]

    @Test(arguments: ["udp", "tcp"])
    func tinySampleRatesAreRefusedAndCountedAndTheListenerKeepsGoing(transport: String) async throws {
        let server = try await LiveServer.start(configuration: StatsDListenerTests.configuration())
        let good = "funnel.events:2|c|#pipeline:p,stage:s,outcome:received"
        let stream = (Self.hostile + [good, "funnel.latency:1e308|ms|#pipeline:p,stage:s", good]).joined(separator: "\n") + "\n"
        if transport == "udp" {
            try await StatsDSender.udp([stream], port: try #require(server.statsd?.udp?.port))
        } else {
            try await StatsDSender.tcp([stream], port: try #require(server.statsd?.tcp?.port))
        }
        #expect(try await eventually { try await StatsDListenerTests.lines(server, "accepted") == 2 })
        #expect(try await StatsDListenerTests.lines(server, "bad_sample_rate") == Double(Self.hostile.count))
        #expect(try await StatsDListenerTests.lines(server, "bad_value") == 1)
        #expect(try await server.stages(of: "p")["s"]?.counts == [4, 0, 0, 0])
        try await server.stop()
    }
}
