import FunnelCore
import FunnelTerminal
import Testing

/// Issue 27's fleet on the screen: long names, twelve stages, thirty pipelines and a tie, at 80x24 and 120x40.
@Suite struct FleetScreenTests {
    static let wide = TerminalSize(columns: 120, rows: 40)

    @Test func pipelineScreenMatchesGoldenAt80x24() throws {
        try GoldenFile.check(TopScreen.render(FleetFixtures.snapshot(), size: .classic, color: false), against: "fleet-80x24.txt")
    }

    @Test func pipelineScreenMatchesGoldenAt120x40() throws {
        try GoldenFile.check(TopScreen.render(FleetFixtures.snapshot(), size: Self.wide, color: false), against: "fleet-120x40.txt")
    }

    @Test func overviewMatchesGoldenAt80x24() throws {
        let snapshot = FleetFixtures.snapshot(picker: PipelinePicker())
        try GoldenFile.check(TopScreen.render(snapshot, size: .classic, color: false), against: "fleet-overview-80x24.txt")
    }

    @Test func overviewMatchesGoldenAt120x40() throws {
        let snapshot = FleetFixtures.snapshot(picker: PipelinePicker())
        try GoldenFile.check(TopScreen.render(snapshot, size: Self.wide, color: false), against: "fleet-overview-120x40.txt")
    }

    @Test func searchMatchesGoldenAt80x24() throws {
        let snapshot = FleetFixtures.snapshot(picker: PipelinePicker(query: "us-east"))
        try GoldenFile.check(TopScreen.render(snapshot, size: .classic, color: false), against: "fleet-search-80x24.txt")
    }

    @Test func scrolledTableMatchesGoldenAt80x16() throws {
        let size = TerminalSize(columns: 80, rows: 16)
        let viewport = TopScreen.viewport(FleetFixtures.snapshot(), size: size)
        let lines = TopScreen.render(FleetFixtures.snapshot(tableOffset: viewport.tableMaximumOffset), size: size, color: false)
        try GoldenFile.check(lines, against: "fleet-80x16-scrolled.txt")
    }

    @Test(arguments: FleetFixtures.names)
    func everyHeadlineKeepsItsNumbersAt80Columns(pipeline: String) throws {
        let funnel = try #require(FleetFixtures.funnels[pipeline])
        let lines = TopScreen.render(FleetFixtures.snapshot(pipeline: pipeline), size: .classic, color: false)
        let headline = try #require(lines.first { $0.hasPrefix(" tenant-") && $0.contains("delivery ") })
        let totals = funnel.totals
        for figure in ["ingested \(totals.ingested)", "delivered \(totals.delivered)", "lost \(totals.lost)"] {
            #expect(headline.contains(figure), "\(figure) missing from \(headline)")
        }
        #expect(headline.contains("…"), "the name gives way: \(headline)")
        #expect(headline.hasPrefix(" " + String(pipeline.prefix(9))))
    }

    @Test func hiddenHopsAreCountedWithTheirLoss() {
        let lines = TopScreen.render(FleetFixtures.snapshot(), size: .classic, color: false)
        #expect(!lines.contains { $0.contains("↓ transit") })
        #expect(lines.contains { $0.contains("… 11 transit hops hidden: 11 lost") }, "\(lines.joined(separator: "\n"))")
        let wide = TopScreen.render(FleetFixtures.snapshot(), size: Self.wide, color: false)
        #expect(wide.filter { $0.contains("↓ transit") }.count == 11)
        #expect(!wide.contains { $0.contains("hidden") })
    }

    @Test func aTieIsSaidAndNoPlaceIsMarkedWorst() {
        for size in [TerminalSize.classic, Self.wide] {
            let lines = TopScreen.render(FleetFixtures.snapshot(), size: size, color: false)
            #expect(!lines.contains { $0.contains("◀") }, "\(size)")
            #expect(lines.contains { $0.contains("= 12 stages tie for most lost (2 each)") }, "\(size)")
            #expect(lines.filter { $0.hasSuffix("5.7% =") || $0.contains("5.7% =") }.count == 12, "\(size)")
        }
    }

    @Test func aUniqueLargestLossIsMarkedEvenAmongTies() {
        var snapshot = FleetFixtures.snapshot()
        snapshot.funnel?.stages[4].lost = 3
        let lines = TopScreen.render(snapshot, size: Self.wide, color: false)
        let marked = lines.filter { $0.contains("◀") }
        #expect(marked.count == 1)
        #expect(marked.first?.contains("stage-04-fraud") == true)
        #expect(!lines.contains { $0.contains("tie") })
    }

    @Test func aTallTableScrollsAndSaysWhichRowsShow() throws {
        let size = TerminalSize(columns: 80, rows: 16)
        let viewport = TopScreen.viewport(FleetFixtures.snapshot(), size: size)
        #expect(viewport.tableMaximumOffset > 0)
        #expect(viewport.tableRows + viewport.tableMaximumOffset == 12)
        let top = TopScreen.render(FleetFixtures.snapshot(), size: size, color: false)
        #expect(top.contains { $0.contains("rows 1-\(viewport.tableRows) of 12") })
        #expect(top.contains { $0.hasPrefix(" stage-00-") })
        #expect(top.contains { $0.contains("11 transit hops hidden: 11 lost") })
        let bottom = TopScreen.render(FleetFixtures.snapshot(tableOffset: 99), size: size, color: false)
        #expect(bottom.contains { $0.hasPrefix(" stage-11-") })
        #expect(!bottom.contains { $0.hasPrefix(" stage-00-") })
        #expect(bottom.contains { $0.contains("rows \(viewport.tableMaximumOffset + 1)-12 of 12") })
    }

    @Test func overviewPutsFiringFirstThenTheWorstDelivery() {
        let ranked = FleetFixtures.ranking.map(\.pipeline)
        let ratio = { (name: String) in FleetFixtures.funnels[name]?.totals.deliveryRatio ?? 1 }
        let firing = [FleetFixtures.pipelineName(7), FleetFixtures.pipelineName(19)].sorted { ratio($0) < ratio($1) }
        #expect(Array(ranked.prefix(3)) == firing + [FleetFixtures.pipelineName(3)])
        let rest = FleetFixtures.ranking.dropFirst(3).compactMap { $0.totals?.deliveryRatio }
        #expect(rest == rest.sorted())
        let lines = TopScreen.render(FleetFixtures.snapshot(picker: PipelinePicker()), size: .classic, color: false)
        let cursor = lines.first { $0.contains("▶") }
        #expect(cursor?.contains(String(ranked[0].prefix(12))) == true)
        #expect(lines.contains { $0.contains("rows 1-") && $0.contains("of 30") })
    }

    @Test func searchKeepsTheMatchesInTroubleOrder() {
        let picker = PipelinePicker(query: "us-east")
        let list = picker.list(FleetFixtures.ranking.map(\.pipeline))
        #expect(list.count == 10)
        #expect(list.allSatisfy { $0.contains("us-east") })
        #expect(list.first == FleetFixtures.pipelineName(7))
        #expect(PipelinePicker(query: "TENANT-2 us-east").list(FleetFixtures.names) == [22, 25, 28].map(FleetFixtures.pipelineName))
        let none = TopScreen.render(FleetFixtures.snapshot(picker: PipelinePicker(query: "nowhere")), size: .classic, color: false)
        #expect(none.contains { $0.contains(#"no pipeline matches "nowhere""#) })
    }

    @Test(arguments: [(40, 10), (50, 14), (60, 18), (80, 16), (80, 24), (100, 30), (120, 40), (200, 60)])
    func fleetScreensGiveExactlyTheRowsAndNeverOverflow(columns: Int, rows: Int) {
        let size = TerminalSize(columns: columns, rows: rows)
        let snapshots = [
            FleetFixtures.snapshot(), FleetFixtures.snapshot(tableOffset: 5), FleetFixtures.snapshot(picker: PipelinePicker()),
            FleetFixtures.snapshot(picker: PipelinePicker(cursor: FleetFixtures.pipelineName(29), offset: 20, query: "tenant")),
        ]
        for snapshot in snapshots {
            let rendered = TopScreen.render(snapshot, size: size, color: false)
            #expect(rendered.count == rows)
            #expect(rendered.allSatisfy { $0.count <= columns }, "\(size): \(rendered.filter { $0.count > columns })")
        }
    }
}
