import Foundation
import FunnelCore
import FunnelTerminal
import Testing

@Suite struct TopScreenTests {
    @Test func classicTerminalMatchesGolden() throws {
        try GoldenFile.check(TopScreen.render(TopFixtures.snapshot(), size: .classic, color: false), against: "top-80x24.txt")
    }

    @Test func aServerThatIsDownGetsARedLineUnderTheTitle() throws {
        var snapshot = TopFixtures.snapshot()
        snapshot.server = "3 servers"
        snapshot.downServers = ["http://shard-c:9470: connection refused"]
        let lines = TopScreen.render(snapshot, size: .classic, color: false)
        try GoldenFile.check(lines, against: "top-80x24-shard-down.txt")
        #expect(lines.count == 24)
        #expect(lines[1].hasPrefix(" ✖ DOWN http://shard-c:9470: connection refused"))
        #expect(lines[0].contains("3 servers"))
        let colored = TopScreen.render(snapshot, size: .classic, color: true)
        #expect(colored[1].contains("\u{1B}[1;31m") || colored[1].contains("31"), "the DOWN line is red")
    }

    @Test func wideTerminalMatchesGolden() throws {
        try GoldenFile.check(TopScreen.render(TopFixtures.snapshot(), size: TerminalSize(columns: 132, rows: 40), color: false), against: "top-132x40.txt")
    }

    @Test func colorsMatchGolden() throws {
        let lines = TopScreen.render(TopFixtures.snapshot(), size: TerminalSize(columns: 132, rows: 40), color: true)
        try GoldenFile.check(lines.map { $0.replacingOccurrences(of: "\u{1B}", with: "\\e") }, against: "top-132x40-color.txt")
    }

    @Test func unreachableServerKeepsTheDataAndSaysHowOld() throws {
        let snapshot = TopFixtures.snapshot(connection: .unreachable(error: "connection refused", dataAgeSeconds: 42, attempt: 3, retryInSeconds: 4))
        let lines = TopScreen.render(snapshot, size: .classic, color: false)
        try GoldenFile.check(lines, against: "top-80x24-unreachable.txt")
        #expect(lines.last?.contains("UNREACHABLE: connection refused") == true)
        #expect(lines.last?.contains("data from 42s ago") == true)
        #expect(lines.contains { $0.contains("process") && $0.contains("3311") })
    }

    @Test func recoveryShowsInTheHeadlineAndItsOwnColumns() throws {
        var snapshot = TopFixtures.snapshot()
        snapshot.funnel = try TopFixtures.recoveringFunnel()
        snapshot.queues = []
        snapshot.alarms = []
        let lines = TopScreen.render(snapshot, size: TerminalSize(columns: 160, rows: 30), color: false)
        try GoldenFile.check(lines, against: "top-160x30-recovery.txt")
        #expect(lines.contains { $0.contains("recovered 162") && $0.contains("recoverable 8") && $0.contains("net missing 0") })
        let header = try #require(lines.first { $0.contains("STAGE") })
        #expect(header.contains("RETRY") && header.contains("RECOV"))
        let process = try #require(lines.first { $0.contains(" process ") })
        #expect(process.contains("    40 ") && process.contains("   162 "))
        let plain = TopScreen.render(TopFixtures.snapshot(), size: TerminalSize(columns: 160, rows: 30), color: false)
        #expect(!plain.contains { $0.contains("RETRY") || $0.contains("recovered") }, "no recovery, no recovery columns")
    }

    @Test func theSlowestWatermarkShowsInTheHeadline() {
        var snapshot = TopFixtures.snapshot()
        var funnel = TopFixtures.ordersFunnel
        funnel.stages[0].watermarkLagSeconds = 1.5
        funnel.stages[2].watermarkLagSeconds = 4
        snapshot.funnel = funnel
        let lines = TopScreen.render(snapshot, size: TerminalSize(columns: 160, rows: 30), color: false)
        #expect(lines.contains { $0.contains("watermark lag 4.00s (deliver)") }, "\(lines.prefix(4))")
    }

    @Test func narrowTerminalDegradesGracefully() throws {
        try GoldenFile.check(TopScreen.render(TopFixtures.snapshot(), size: TerminalSize(columns: 50, rows: 14), color: false), against: "top-50x14.txt")
    }

    @Test func helpMatchesGolden() throws {
        try GoldenFile.check(TopScreen.render(TopFixtures.snapshot(showHelp: true), size: .classic, color: false), against: "top-80x24-help.txt")
    }

    @Test(arguments: [(1, 1), (10, 3), (20, 5), (40, 10), (60, 18), (80, 24), (100, 30), (132, 40), (200, 60), (300, 100)])
    func everySizeGivesExactlyTheRowsAndNeverOverflows(columns: Int, rows: Int) {
        let size = TerminalSize(columns: columns, rows: rows)
        for snapshot in [TopFixtures.snapshot(), TopFixtures.snapshot(showHelp: true), TopSnapshot(server: "http://127.0.0.1:9470")] {
            for color in [false, true] {
                let lines = TopScreen.lines(snapshot, size: size)
                #expect(lines.count == rows)
                #expect(lines.allSatisfy { $0.truncated(to: columns).width <= columns })
                let rendered = TopScreen.render(snapshot, size: size, color: color)
                #expect(rendered.count == rows)
                if !color { #expect(rendered.allSatisfy { $0.count <= columns }, "\(size): \(rendered.filter { $0.count > columns })") }
            }
        }
    }

    @Test func noEscapeCodesWithoutColor() {
        let lines = TopScreen.render(TopFixtures.snapshot(), size: TerminalSize(columns: 132, rows: 40), color: false)
        #expect(!lines.joined().contains("\u{1B}"))
    }

    @Test func worstStageIsMarkedAndAlarmsComeFirst() {
        let lines = TopScreen.render(TopFixtures.snapshot(), size: TerminalSize(columns: 132, rows: 40), color: false)
        #expect(lines[1].contains("FIRING") && lines[1].contains("orders-dlq"))
        #expect(lines[2].contains("PENDING") && lines[2].contains("orders-process-loss"))
        #expect(!lines.contains { $0.contains("billing-ratio") })
        let worst = lines.filter { $0.contains("◀") }
        #expect(worst.count == 1)
        #expect(worst.first?.contains("process") == true)
        #expect(worst.first?.contains("96.4%") == true)
    }

    @Test func firingIsRedAndPendingYellowWithColor() {
        let lines = TopScreen.render(TopFixtures.snapshot(), size: TerminalSize(columns: 132, rows: 40), color: true)
        #expect(lines[1].contains("\u{1B}[1;7;31m FIRING  "))
        #expect(lines[2].contains("\u{1B}[1;7;33m PENDING "))
    }

    @Test func emptyServerExplainsWhatToDo() {
        let snapshot = TopSnapshot(server: "http://127.0.0.1:9470", connection: .live(dataAgeSeconds: 0.1))
        let lines = TopScreen.render(snapshot, size: .classic, color: false)
        #expect(lines.contains { $0.contains("No pipelines yet") })
        #expect(lines.contains { $0.contains("funnel demo") })
    }

    @Test func sparklineScalesToTheLargestValue() {
        #expect(BlockGraphics.sparkline([0, 1, 2, 4, 8], width: 5) == "▁▂▃▅█")
        #expect(BlockGraphics.sparkline([0, 0], width: 5) == "▁▁")
        #expect(BlockGraphics.sparkline(Array(repeating: 1, count: 30), width: 4) == "████")
    }

    @Test func funnelBarShowsPassedSolidAndTheRestShaded() {
        let bar = BlockGraphics.funnelBar(received: 100, passed: 50, scale: 100, width: 10)
        #expect(bar.passed == "█████")
        #expect(bar.rest == "░░░░░")
        let narrower = BlockGraphics.funnelBar(received: 50, passed: 49, scale: 100, width: 10)
        #expect(narrower.passed == "████▉")
        #expect(narrower.rest.isEmpty)
        #expect(BlockGraphics.funnelBar(received: 0, passed: 0, scale: 0, width: 10) == ("", ""))
    }

    @Test(arguments: [
        (UInt64(0), 7, "0"), (1_234_567, 7, "1234567"), (12_345_678, 7, "12.3M"), (999_999, 5, "999k"), (1_500, 3, "1.50k"),
    ])
    func countsAreFullWhenTheyFit(value: UInt64, width: Int, expected: String) {
        #expect(NumberText.count(value, width: width) == expected)
    }

    @Test func latenciesPercentagesAndAges() {
        #expect(NumberText.latency(nil) == "-")
        #expect(NumberText.latency(3.14) == "3.1ms")
        #expect(NumberText.latency(412) == "412ms")
        #expect(NumberText.latency(1240) == "1.24s")
        #expect(NumberText.latency(125_000) == "2m05s")
        #expect(NumberText.percent(0.375) == "37.5%")
        #expect(NumberText.percent(1) == "100%")
        #expect(NumberText.percent(0.99991, digits: 2) == "99.99%")
        #expect(NumberText.percent(0.0004) == "0.04%")
        #expect(NumberText.age(0.44) == "0.4s")
        #expect(NumberText.age(200) == "3m20s")
        #expect(NumberText.age(7500) == "2h05m")
        #expect(NumberText.rate(201.34) == "201.3")
        #expect(NumberText.rate(0) == "0")
    }
}
