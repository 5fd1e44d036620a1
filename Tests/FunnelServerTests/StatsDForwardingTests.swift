import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

/// `statsd.forward_unmatched`: lines that are not Funnel's go on, unchanged, to another StatsD listening on UDP.
@Suite struct StatsDForwardingTests {
    @Test func unmatchedLinesAreRelayedUnchangedAndFunnelLinesAreCounted() async throws {
        let peer = try await UDPCollector.start()
        var configuration = FunnelConfiguration()
        configuration.statsd = StatsDConfiguration(
            udpListen: ListenAddress(host: "127.0.0.1", port: 0), tcpListen: ListenAddress(host: "127.0.0.1", port: 0),
            mappings: [StatsDMapping(match: "shop.*.orders", pipeline: "shop", stage: "$1", outcome: "received")],
            flushIntervalSeconds: 0.02, forwardUnmatched: ListenAddress(host: "127.0.0.1", port: peer.port)
        )
        let server = try await LiveServer.start(configuration: configuration)
        let udp = try #require(server.statsd?.udp?.port)
        let tcp = try #require(server.statsd?.tcp?.port)
        let foreign = [
            "app.requests:1|c|#env:prod",
            "app.latency:12.5|ms|@0.5",
            "app.users:alice|s",
            "app.queue:3|g",
        ]
        try await StatsDSender.udp(
            [
                (["funnel.events:4|c|#pipeline:orders,stage:api,outcome:received"] + foreign.prefix(2)).joined(separator: "\n"),
                (["shop.web.orders:2|c"] + foreign.suffix(2)).joined(separator: "\n"),
            ],
            port: udp
        )
        try await StatsDSender.tcp(["other.tcp_line:7|c\n"], port: tcp)
        let relayed = try await Deadline.poll("the unmatched lines to reach the peer") { peer.lines.count >= 5 ? peer.lines : nil }
        #expect(relayed.sorted() == (foreign + ["other.tcp_line:7|c"]).sorted())
        #expect(try await eventually { try await server.metric(#"funnel_statsd_lines_total{result="accepted"}"#) == 2 })
        #expect(try await server.metric(#"funnel_statsd_lines_total{result="forwarded"}"#) == 5)
        #expect(try await server.metric(#"funnel_statsd_lines_total{result="unmapped"}"#) == 0)
        #expect(try await server.metric("funnel_statsd_forward_failures_total") == 0)
        #expect(try await server.stages(of: "orders")["api"]?.counts == [4, 0, 0, 0])
        #expect(try await server.stages(of: "shop")["web"]?.counts == [2, 0, 0, 0])
        try await server.stop()
        await peer.stop()
    }

    @Test func aBrokenFunnelLineIsCountedNotRelayed() async throws {
        let peer = try await UDPCollector.start()
        var configuration = FunnelConfiguration()
        configuration.statsd = StatsDConfiguration(
            udpListen: ListenAddress(host: "127.0.0.1", port: 0), flushIntervalSeconds: 0.02,
            forwardUnmatched: ListenAddress(host: "127.0.0.1", port: peer.port)
        )
        let server = try await LiveServer.start(configuration: configuration)
        let udp = try #require(server.statsd?.udp?.port)
        try await StatsDSender.udp(["funnel.events:1|g|#pipeline:p,stage:s,outcome:received\nfunnel.events:1|s\nmarker:1|c"], port: udp)
        _ = try await Deadline.poll("the marker to be relayed") { peer.lines.contains("marker:1|c") ? true : nil }
        #expect(peer.lines == ["marker:1|c"])
        #expect(try await server.metric(#"funnel_statsd_lines_total{result="type_mismatch"}"#) == 1)
        #expect(try await server.metric(#"funnel_statsd_lines_total{result="unknown_type"}"#) == 1)
        try await server.stop()
        await peer.stop()
    }

    @Test func theConfigurationKeyTakesAnAddressOrEmpty() throws {
        let set = try FunnelConfiguration(yaml: "statsd:\n  listen: 127.0.0.1:0\n  forward_unmatched: 127.0.0.1:9125\n")
        #expect(set.statsd.forwardUnmatched == ListenAddress(host: "127.0.0.1", port: 9125))
        let off = try FunnelConfiguration(yaml: "statsd:\n  forward_unmatched: \"\"\n")
        #expect(off.statsd.forwardUnmatched == nil)
        #expect(throws: ConfigurationError.self) { try FunnelConfiguration(yaml: "statsd:\n  forward_unmatched: nowhere\n") }
    }
}
