import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

@Suite struct StatsDAccountingTests {
    @Test func exposesStatsDCounters() {
        var statsd = StatsDCounters()
        statsd.acceptedLines = 7
        statsd.reject(.malformed, count: 2)
        statsd.reject(.unmapped)
        statsd.kernelDrops = 5
        statsd.receiveBufferBytes = 425_984
        var writer = ExpositionWriter(format: .prometheusText)
        statsd.emit(into: &writer)
        let text = String(decoding: writer.finish(), as: UTF8.self)
        #expect(text.contains("""
            # HELP funnel_statsd_lines_total StatsD lines received, by result: accepted or the reason they were not counted.
            # TYPE funnel_statsd_lines_total counter
            funnel_statsd_lines_total{result="accepted"} 7
            funnel_statsd_lines_total{result="malformed"} 2
            funnel_statsd_lines_total{result="unknown_type"} 0
            """))
        #expect(text.contains("funnel_statsd_lines_total{result=\"unmapped\"} 1\n"))
        #expect(text.contains("""
            # HELP funnel_statsd_kernel_drops_total StatsD datagrams the kernel dropped because the socket's receive buffer was full.
            # TYPE funnel_statsd_kernel_drops_total counter
            funnel_statsd_kernel_drops_total 5
            # HELP funnel_statsd_receive_buffer_bytes Receive buffer of the StatsD UDP socket, as the kernel granted it.
            # TYPE funnel_statsd_receive_buffer_bytes gauge
            funnel_statsd_receive_buffer_bytes 425984

            """))
        for reason in StatsDLineRejection.Reason.allCases {
            #expect(text.contains("funnel_statsd_lines_total{result=\"\(reason.rawValue)\"} "))
        }
    }

    @Test func leavesStatsDFamiliesOutWithoutAListener() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        #expect(!fixture.configuration.statsd.isEnabled)
        try await fixture.withClient { client in
            let text = try await client.metrics().text
            #expect(!text.contains("funnel_statsd"))
        }
    }
}
