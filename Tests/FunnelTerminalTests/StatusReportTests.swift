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

    @Test func quietServerSaysSo() {
        let report = StatusReport(server: "http://127.0.0.1:9470", funnels: [], alarms: [], alarmsAvailable: false)
        #expect(report.lines() == [
            "OK: alarms not available on this server · 0 pipelines · http://127.0.0.1:9470", "",
            "No pipelines yet: stages report to POST http://127.0.0.1:9470/v1/reports.",
        ])
    }
}
