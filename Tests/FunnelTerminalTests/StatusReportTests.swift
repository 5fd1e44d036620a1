import FunnelCore
import FunnelTerminal
import Testing

@Suite struct StatusReportTests {
    @Test(arguments: [
        ([AlarmState](), StatusVerdict.ok), ([.inactive], .ok), ([.inactive, .pending], .pending), ([.pending, .firing], .firing),
    ])
    func verdictIsTheWorstAlarm(states: [AlarmState], expected: StatusVerdict) {
        let alarms = states.enumerated().map {
            AlarmStatus(name: "a\($0.offset)", kind: "k", state: $0.element, since: nil, value: nil, threshold: 1, summary: "", pipeline: "p", stage: nil, queue: nil, labels: [:])
        }
        #expect(StatusVerdict(alarms: alarms) == expected)
        #expect(StatusVerdict(alarms: alarms).exitCode == expected.rawValue)
    }

    @Test func exitCodesAreNagiosStyle() {
        #expect(StatusVerdict.allCases.map(\.exitCode) == [0, 1, 2, 3])
    }

    @Test func plainTableMatchesGolden() throws {
        let report = StatusReport(
            server: "http://127.0.0.1:9470", funnels: [TopFixtures.ordersFunnel], alarms: TopFixtures.alarms, queues: TopFixtures.queues
        )
        #expect(report.verdict == .firing)
        let lines = report.lines()
        #expect(!lines.joined().contains("\u{1B}"))
        try GoldenFile.check(lines, against: "status.txt")
    }

    @Test func recoveryIsALineAndColumnsOnlyWhereItHappened() throws {
        let funnel = try TopFixtures.recoveringFunnel()
        let report = StatusReport(server: "http://127.0.0.1:9470", funnels: [funnel], alarms: [])
        let lines = report.lines()
        try GoldenFile.check(lines, against: "status-recovery.txt")
        #expect(lines.contains(
            "  RECOVERABLE 8 in dead-letter queues · RECOVERED 162 (redriven 12, replayed 150) · net missing 0 · delivery once redriven 100% · retries 40 (1.3% of received)"
        ))
        let process = try #require(lines.first { $0.hasPrefix("  process ") })
        #expect(process.split(separator: " ").prefix(9) == ["process", "1000", "992", "0", "20", "40", "12", "150", "150"])
        #expect(!(try StatusReportTests.plainLines()).contains { $0.contains("RECOVER") || $0.contains("REDRIVEN") }, "no recovery, no recovery columns")
    }

    static func plainLines() throws -> [String] {
        StatusReport(server: "http://127.0.0.1:9470", funnels: [TopFixtures.ordersFunnel], alarms: TopFixtures.alarms, queues: TopFixtures.queues).lines()
    }

    @Test func quietServerSaysSo() {
        let report = StatusReport(server: "http://127.0.0.1:9470", funnels: [], alarms: [], alarmsAvailable: false)
        #expect(report.lines() == [
            "OK: alarms not available on this server · 0 pipelines · http://127.0.0.1:9470", "",
            "No pipelines yet: stages report to POST http://127.0.0.1:9470/v1/reports.",
        ])
    }

    @Test func severalServersNameEachPipelinesServerAndMarkTheDownOne() throws {
        var orders = TopFixtures.ordersFunnel
        orders.errorBudget = ErrorBudget(
            slo: DeliverySLO(deliveryRatio: 0.9999, windowSeconds: 30 * 86_400), coveredSeconds: 72 * 3600, ingested: 124_300, delivered: 124_295
        )
        var report = StatusReport(server: "http://shard-a:9470", funnels: [orders, try TopFixtures.recoveringFunnel(pipeline: "billing")], alarms: [])
        report.servers = ["http://shard-a:9470", "http://shard-b:9470", "http://shard-c:9470"]
        report.serverOfPipeline = ["orders": "http://shard-a:9470", "billing": "http://shard-b:9470"]
        report.downServers = [("http://shard-c:9470", "connection refused")]
        #expect(report.verdict == .unknown, "a server down and nothing firing: its pipelines are not seen")
        let lines = report.lines()
        try GoldenFile.check(lines, against: "status-shards.txt")
        #expect(lines[0].hasSuffix("· 2 pipelines · 3 servers, 1 down"))
        #expect(lines[1] == "DOWN     http://shard-c:9470: connection refused; its pipelines are not shown")
        #expect(lines.contains { $0.hasPrefix("orders: ") && $0.hasSuffix(" · http://shard-a:9470") })
        #expect(lines.contains("  ERROR BUDGET 59.8% left · objective 99.99% over 30d · last 72h settled: 124300 ingested, 5 undelivered of 12 allowed"))
        report.alarms = TopFixtures.alarms
        #expect(report.verdict == .firing, "a firing alarm elsewhere still says firing")
    }
}
