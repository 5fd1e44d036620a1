import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

/// Sampled counters sum as StatsD means them: the fraction of `value / rate` each line leaves is carried to the next
/// line of the series and across flushes, so the counted sum is within 1 of the exact one.
@Suite struct StatsDSampleRateCarryTests {
    static func count(_ lines: [String], drains: [Int]) -> [UInt64] {
        var accumulator = StatsDAccumulator(parser: StatsDLineParser())
        var counts: [UInt64] = []
        var start = 0
        for end in drains {
            let datagram = lines[start..<end].joined(separator: "\n")
            Array(datagram.utf8).withUnsafeBytes { bytes in
                accumulator.add(bytes) { line, rejection in Issue.record("refused \(String(decoding: line, as: UTF8.self)): \(rejection)") }
            }
            counts.append(accumulator.drain().entries.stageReports.reduce(0) { $0 + $1.count })
            start = end
        }
        return counts
    }

    static let line = "funnel.events:1|c|@0.3|#pipeline:p,stage:s,outcome:received"

    @Test func thirtyThreeLinesSampledAtThreeTenthsCount110() {
        #expect(Self.count(Array(repeating: Self.line, count: 33), drains: [33]) == [110])
    }

    @Test func theFractionIsCarriedAcrossFlushes() {
        // 11 lines are 36.67 events: 36 now, the 0.67 carried into the next flush; the total is still exact.
        #expect(Self.count(Array(repeating: Self.line, count: 33), drains: [11, 22, 33]) == [36, 37, 37])
    }

    @Test(arguments: [
        (line: "funnel.events:2.5|c|@0.1|#pipeline:p,stage:s,outcome:passed", lines: 10, expected: 250 as UInt64),
        (line: "funnel.events:1|c|@0.7|#pipeline:p,stage:s,outcome:passed", lines: 7, expected: 10),
        (line: "funnel.events:0.4|c|#pipeline:p,stage:s,outcome:passed", lines: 5, expected: 2),
        (line: "funnel.events:3|c|@0.25|#pipeline:p,stage:s,outcome:passed", lines: 1, expected: 12),
        (line: "funnel.events:1|c|@0.6|#pipeline:p,stage:s,outcome:passed", lines: 1000, expected: 1666),
    ])
    func sumsMatchValueOverRateWithinOne(line: String, lines: Int, expected: UInt64) {
        #expect(Self.count(Array(repeating: line, count: lines), drains: [lines]) == [expected])
    }

    @Test func eachSeriesCarriesItsOwnFraction() {
        let lines = (0..<30).flatMap { _ in
            ["funnel.events:1|c|@0.3|#pipeline:p,stage:a,outcome:received", "funnel.events:1|c|@0.3|#pipeline:p,stage:b,outcome:received"]
        }
        var accumulator = StatsDAccumulator(parser: StatsDLineParser())
        Array(lines.joined(separator: "\n").utf8).withUnsafeBytes { bytes in accumulator.add(bytes) { _, _ in } }
        let reports = accumulator.drain().entries.stageReports
        #expect(Dictionary(reports.map { ($0.stage, $0.count) }, uniquingKeysWith: +) == ["a": 100, "b": 100])
    }

    /// Over the real UDP listener too: 33 sampled lines in separate datagrams count 110.
    @Test func theListenerCountsThirtyThreeSampledLinesAs110() async throws {
        var configuration = FunnelConfiguration()
        configuration.statsd = StatsDConfiguration(udpListen: ListenAddress(host: "127.0.0.1", port: 0), flushIntervalSeconds: 0.02)
        let server = try await LiveServer.start(configuration: configuration)
        let udp = try #require(server.statsd?.udp?.port)
        try await StatsDSender.udp(Array(repeating: Self.line, count: 33), port: udp)
        #expect(try await eventually { try await server.metric(#"funnel_statsd_lines_total{result="accepted"}"#) == 33 })
        #expect(try await server.stages(of: "p")["s"]?.counts == [110, 0, 0, 0])
        try await server.stop()
    }
}
