import FunnelCore
import FunnelTerminal
import Testing

/// `funnel top`'s groups view: `l` shows the selected pipeline's worst values of a declared label.
@Suite struct TopGroupsTests {
    @Test func worstTenantsMatchGolden() throws {
        try GoldenFile.check(TopScreen.render(try TopGroupFixtures.snapshot(), size: .classic, color: false), against: "top-groups-tenant-80x24.txt")
    }

    @Test func worstVersionsOnAWideTerminalMatchGolden() throws {
        let lines = TopScreen.render(try TopGroupFixtures.snapshot(label: "version"), size: TerminalSize(columns: 132, rows: 30), color: false)
        try GoldenFile.check(lines, against: "top-groups-version-132x30.txt")
    }

    @Test func aShortTerminalScrollsTheGroupsAndSaysWhichRows() throws {
        let snapshot = try TopGroupFixtures.snapshot(tableOffset: 2)
        let size = TerminalSize(columns: 60, rows: 10)
        try GoldenFile.check(TopScreen.render(snapshot, size: size, color: false), against: "top-groups-60x10-scrolled.txt")
        let viewport = TopScreen.viewport(snapshot, size: size)
        #expect(viewport.tableMaximumOffset > 0)
        #expect(viewport.tableRows >= 1)
    }

    @Test func rowsAreWorstFirstWithTheirShareOfThePipelinesLoss() throws {
        let lines = TopScreen.render(try TopGroupFixtures.snapshot(), size: TerminalSize(columns: 100, rows: 30), color: false)
        let rows = lines.filter { $0.hasPrefix("  ") && !$0.hasPrefix("  TENANT") }.map { $0.split(separator: " ").map(String.init) }
        #expect(rows.map(\.first) == ["acme", "globex", "__other__", "initech", "(none)"])
        #expect(rows.first.map { Array($0[1...3]) } == ["40", "69.0%", "96.00%"], "acme lost 40 of the pipeline's 58")
        #expect(rows.dropFirst().first.map { Array($0[1...3]) } == ["12", "20.7%", "98.80%"])
        #expect(lines.contains { $0.contains("__other__: values past limits.max_label_values") }, "the guard is visible")
        #expect(lines.contains { $0.hasPrefix(" WORST BY TENANT") && $0.contains("5 values") })
    }

    @Test func limitedGroupsSayHowManyValuesThereAre() throws {
        let lines = TopScreen.render(try TopGroupFixtures.snapshot(limit: 2), size: .classic, color: false)
        #expect(lines.contains { $0.hasPrefix(" WORST BY TENANT   2 of 5 values, most settled loss first") })
    }

    @Test func theFooterOffersLabelsOnlyWhereThePipelineDeclaresThem() throws {
        var snapshot = try TopGroupFixtures.snapshot()
        snapshot.label = nil
        snapshot.grouped = nil
        #expect(TopScreen.render(snapshot, size: .classic, color: false).last?.contains("l labels") == true)
        snapshot.labels = []
        #expect(TopScreen.render(snapshot, size: .classic, color: false).last?.contains(" l ") == false)
    }

    @Test func groupsNotFetchedYetSayLoading() throws {
        var snapshot = try TopGroupFixtures.snapshot()
        snapshot.grouped = nil
        #expect(TopScreen.render(snapshot, size: .classic, color: false).contains { $0.contains("Loading the worst groups by tenant") })
    }

    // MARK: Keys

    @Test func lCyclesThroughTheDeclaredLabelsThenBackToTheStages() {
        var view = TopViewState(selectedPipeline: "events")
        let labels = ["tenant", "version"]
        #expect(view.handle(.character("l"), pipelines: ["events"], labels: labels) == .refetch)
        #expect(view.grouping == TopGrouping(pipeline: "events", label: "tenant"))
        #expect(view.handle(.character("l"), pipelines: ["events"], labels: labels) == .refetch)
        #expect(view.label == "version")
        #expect(view.handle(.character("l"), pipelines: ["events"], labels: labels) == .refetch)
        #expect(view.label == nil)
        #expect(view.grouping == nil)
    }

    @Test func escapeLeavesTheGroupsAndTabMovesOnWithoutThem() {
        var view = TopViewState(selectedPipeline: "events")
        _ = view.handle(.character("l"), pipelines: ["events", "orders"], labels: ["tenant"])
        #expect(view.handle(.escape, pipelines: ["events", "orders"], labels: ["tenant"]) == .redraw)
        #expect(view.label == nil)
        #expect(view.handle(.escape, pipelines: ["events", "orders"], labels: ["tenant"]) == .none)
        _ = view.handle(.character("l"), pipelines: ["events", "orders"], labels: ["tenant"])
        #expect(view.handle(.tab, pipelines: ["events", "orders"], labels: ["tenant"]) == .redraw)
        #expect(view.selectedPipeline == "orders")
        #expect(view.label == nil, "orders may not declare tenant")
    }

    @Test func lDoesNothingForAPipelineWithoutLabels() {
        var view = TopViewState(selectedPipeline: "orders")
        #expect(view.handle(.character("l"), pipelines: ["orders", "billing"]) == .none)
        #expect(view.label == nil)
        #expect(view.selectedPipeline == "orders", "l no longer moves to the next pipeline")
    }

    @Test func aLabelThePipelineStopsDeclaringClosesTheGroups() {
        var view = TopViewState(selectedPipeline: "events")
        _ = view.handle(.character("l"), pipelines: ["events"], labels: ["tenant"])
        view.reconcile(pipelines: ["events"], declaredLabels: ["events": ["tenant"]])
        #expect(view.label == "tenant")
        view.reconcile(pipelines: ["events"], declaredLabels: ["events": ["version"]])
        #expect(view.label == nil)
    }

    @Test func theModelShowsOnlyTheGroupsOfTheChosenPipelineAndLabel() throws {
        let ledger = try TopGroupFixtures.ledger()
        let grouped = try ledger.groupedFunnel(pipeline: "events", by: "tenant")
        var model = TopModel(server: "http://127.0.0.1:9470", refreshSeconds: 1)
        let pipelines = [PipelineDescriptor(name: "events", stages: ["ingest", "enrich", "deliver"], labels: ["tenant", "version"])]
        model.record(TopPoll(pipelines: pipelines, funnels: [:], grouped: grouped), atSeconds: 1)
        var view = TopViewState(selectedPipeline: "events")
        #expect(model.labels(of: "events") == ["tenant", "version"])
        _ = view.handle(.character("l"), pipelines: model.pipelines, labels: model.labels(of: "events"))
        #expect(model.snapshot(view: view, atSeconds: 1, nowMillis: nil).grouped == grouped)
        _ = view.handle(.character("l"), pipelines: model.pipelines, labels: model.labels(of: "events"))
        let byVersion = model.snapshot(view: view, atSeconds: 1, nowMillis: nil)
        #expect(byVersion.label == "version")
        #expect(byVersion.grouped == nil, "the tenant split is not shown as the version split")
    }
}
