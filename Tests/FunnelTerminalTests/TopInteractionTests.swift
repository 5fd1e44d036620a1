import FunnelCore
import FunnelTerminal
import Testing

@Suite struct TopInteractionTests {
    @Test func keysIncludingArrowsPagesAndShiftTab() {
        var decoder = TopKeyDecoder()
        #expect(decoder.decode(Array("q".utf8)) == [.character("q")])
        #expect(decoder.decode([0x09, 0x0D, 0x7F]) == [.tab, .enter, .backspace])
        #expect(decoder.decode(Array("\u{1B}[C\u{1B}[D\u{1B}[A\u{1B}[B\u{1B}[Z".utf8)) == [.right, .left, .up, .down, .backTab])
        #expect(decoder.decode(Array("\u{1B}[5~\u{1B}[6~\u{1B}[H\u{1B}[F\u{1B}[1~\u{1B}[4~".utf8)) == [.pageUp, .pageDown, .home, .end, .home, .end])
        #expect(decoder.decode(Array("\u{1B}OC".utf8)) == [.right])
        #expect(decoder.decode(Array("w?/".utf8)) == [.character("w"), .character("?"), .character("/")])
        #expect(decoder.decode([0x03]) == [.interrupt])
        #expect(decoder.decode([0x01]) == [.other])
    }

    @Test func anEscapeSequenceOrACharacterSplitAcrossReadsIsOneKey() {
        var decoder = TopKeyDecoder()
        #expect(decoder.decode([0x1B]) == [])
        #expect(decoder.decode(Array("[".utf8)) == [])
        #expect(decoder.decode(Array("Cq".utf8)) == [.right, .character("q")])
        #expect(decoder.decode(Array("\u{1B}[6".utf8)) == [])
        #expect(decoder.decode(Array("~".utf8)) == [.pageDown])
        let accented = Array("é".utf8)
        #expect(decoder.decode([accented[0]]) == [])
        #expect(decoder.decode([accented[1]]) == [.character("é")])
        #expect(decoder.decode([0x1B]) == [])
        #expect(decoder.flush() == [.escape])
    }

    @Test(arguments: [TopKey.tab, .right])
    func nextPipelineKeysCycleThroughPipelines(key: TopKey) {
        var view = TopViewState(selectedPipeline: "orders")
        let pipelines = ["orders", "billing", "clicks"]
        view.reconcile(pipelines: pipelines)
        #expect(view.handle(key, pipelines: pipelines) == .redraw)
        #expect(view.selectedPipeline == "billing")
        _ = view.handle(key, pipelines: pipelines)
        _ = view.handle(key, pipelines: pipelines)
        #expect(view.selectedPipeline == "orders")
        #expect(view.handle(key, pipelines: ["orders"]) == .none)
    }

    @Test(arguments: [TopKey.backTab, .left, .character("h")])
    func previousPipelineKeysGoBack(key: TopKey) {
        var view = TopViewState(selectedPipeline: "orders")
        _ = view.handle(key, pipelines: ["orders", "billing", "clicks"])
        #expect(view.selectedPipeline == "clicks")
    }

    @Test func wCyclesTheWindowAndAsksForFreshData() {
        var view = TopViewState(window: .oneMinute)
        #expect(view.handle(.character("w"), pipelines: []) == .refetch)
        #expect(view.window == .fiveMinutes)
        _ = view.handle(.character("w"), pipelines: [])
        #expect(view.window == .oneHour)
        _ = view.handle(.character("w"), pipelines: [])
        #expect(view.window == .oneMinute)
    }

    @Test func helpTogglesAndEscapeClosesIt() {
        var view = TopViewState(selectedPipeline: "orders")
        #expect(view.handle(.character("?"), pipelines: []) == .redraw)
        #expect(view.showHelp)
        #expect(view.handle(.character("j"), pipelines: []) == .none, "help takes no other keys")
        #expect(view.handle(.escape, pipelines: []) == .redraw)
        #expect(!view.showHelp)
        #expect(view.handle(.escape, pipelines: []) == .none)
        #expect(view.handle(.character("q"), pipelines: []) == .quit)
        #expect(view.handle(.interrupt, pipelines: []) == .quit)
    }

    @Test func scrollKeysMoveTheStageTableWithinItsEnds() {
        var view = TopViewState(selectedPipeline: "orders")
        let viewport = TopViewport(tableRows: 8, tableMaximumOffset: 15, listRows: 0)
        #expect(view.handle(.character("k"), pipelines: ["orders"], viewport: viewport) == .none, "already at the top")
        #expect(view.handle(.character("j"), pipelines: ["orders"], viewport: viewport) == .redraw)
        #expect(view.handle(.down, pipelines: ["orders"], viewport: viewport) == .redraw)
        #expect(view.tableOffset == 2)
        _ = view.handle(.pageDown, pipelines: ["orders"], viewport: viewport)
        #expect(view.tableOffset == 9)
        _ = view.handle(.pageDown, pipelines: ["orders"], viewport: viewport)
        #expect(view.tableOffset == 15)
        #expect(view.handle(.character("j"), pipelines: ["orders"], viewport: viewport) == .none, "already at the bottom")
        _ = view.handle(.pageUp, pipelines: ["orders"], viewport: viewport)
        #expect(view.tableOffset == 8)
        _ = view.handle(.up, pipelines: ["orders"], viewport: viewport)
        #expect(view.tableOffset == 7)
        _ = view.handle(.character("g"), pipelines: ["orders"], viewport: viewport)
        #expect(view.tableOffset == 0)
        _ = view.handle(.character("G"), pipelines: ["orders"], viewport: viewport)
        #expect(view.tableOffset == 15)
        _ = view.handle(.tab, pipelines: ["orders", "billing"], viewport: viewport)
        #expect(view.tableOffset == 0, "another pipeline starts at its top")
        view.tableOffset = 12
        view.clamp(to: TopViewport(tableRows: 20, tableMaximumOffset: 3, listRows: 0))
        #expect(view.tableOffset == 3, "a taller terminal scrolls back")
    }

    @Test func severalPipelinesWithoutOneAskedForOpenTheOverview() {
        var view = TopViewState()
        view.reconcile(pipelines: [])
        #expect(view.picker == nil)
        view.reconcile(pipelines: ["orders", "billing"])
        #expect(view.picker == PipelinePicker())
        var one = TopViewState()
        one.reconcile(pipelines: ["orders"])
        #expect(one.picker == nil)
        one.reconcile(pipelines: ["orders", "billing"])
        #expect(one.picker == nil, "only the first look opens it")
        var asked = TopViewState(selectedPipeline: "billing")
        asked.reconcile(pipelines: ["orders", "billing"])
        #expect(asked.picker == nil)
    }

    @Test func theOverviewOpensThePipelineUnderTheCursor() {
        let pipelines = ["orders", "billing", "clicks", "search"]
        let ranked = ["clicks", "orders", "search", "billing"]
        let viewport = TopViewport(tableRows: 0, tableMaximumOffset: 0, listRows: 2)
        var view = TopViewState(selectedPipeline: "orders")
        #expect(view.handle(.character("o"), pipelines: pipelines, ranked: ranked, viewport: viewport) == .redraw)
        #expect(view.picker != nil)
        #expect(view.handle(.character("k"), pipelines: pipelines, ranked: ranked, viewport: viewport) == .none, "the cursor starts on the worst")
        _ = view.handle(.down, pipelines: pipelines, ranked: ranked, viewport: viewport)
        _ = view.handle(.character("j"), pipelines: pipelines, ranked: ranked, viewport: viewport)
        #expect(view.picker?.cursor == "search")
        #expect(view.picker?.offset == 1, "the list scrolls to keep the cursor on screen")
        #expect(view.handle(.enter, pipelines: pipelines, ranked: ranked, viewport: viewport) == .redraw)
        #expect(view.selectedPipeline == "search")
        #expect(view.picker == nil)
        _ = view.handle(.character("o"), pipelines: pipelines, ranked: ranked, viewport: viewport)
        #expect(view.handle(.enter, pipelines: pipelines, ranked: ranked, viewport: viewport) == .redraw)
        #expect(view.selectedPipeline == "clicks", "one keystroke from the overview to the pipeline in most trouble")
        _ = view.handle(.character("o"), pipelines: pipelines, ranked: ranked, viewport: viewport)
        #expect(view.handle(.escape, pipelines: pipelines, ranked: ranked, viewport: viewport) == .redraw)
        #expect(view.picker == nil)
        #expect(view.selectedPipeline == "clicks")
    }

    @Test func slashSearchesByNameAndEnterOpensTheFirstMatch() {
        let ranked = ["tenant-07-eu", "tenant-19-us", "tenant-03-us", "orders"]
        var view = TopViewState(selectedPipeline: "orders")
        #expect(view.handle(.character("/"), pipelines: ranked, ranked: ranked) == .redraw)
        #expect(view.picker?.query == "")
        for character in "US" { _ = view.handle(.character(character), pipelines: ranked, ranked: ranked) }
        #expect(view.picker?.query == "US")
        #expect(view.picker?.list(ranked) == ["tenant-19-us", "tenant-03-us"])
        _ = view.handle(.character("q"), pipelines: ranked, ranked: ranked)
        #expect(view.picker?.query == "USq", "q is text while searching")
        _ = view.handle(.backspace, pipelines: ranked, ranked: ranked)
        _ = view.handle(.down, pipelines: ranked, ranked: ranked)
        #expect(view.handle(.enter, pipelines: ranked, ranked: ranked) == .redraw)
        #expect(view.selectedPipeline == "tenant-03-us")
        #expect(view.picker == nil)

        _ = view.handle(.character("/"), pipelines: ranked, ranked: ranked)
        _ = view.handle(.character("x"), pipelines: ranked, ranked: ranked)
        #expect(view.handle(.enter, pipelines: ranked, ranked: ranked) == .none, "nothing matches")
        #expect(view.handle(.escape, pipelines: ranked, ranked: ranked) == .redraw)
        #expect(view.picker == PipelinePicker(), "Esc ends the search and stays on the overview")
        _ = view.handle(.character("/"), pipelines: ranked, ranked: ranked)
        _ = view.handle(.backspace, pipelines: ranked, ranked: ranked)
        #expect(view.picker?.query == nil, "Backspace on an empty search ends it")
        #expect(view.handle(.interrupt, pipelines: ranked, ranked: ranked) == .quit)
    }

    @Test func aVanishedPipelineFallsBackToTheFirst() {
        var view = TopViewState(selectedPipeline: "gone")
        view.reconcile(pipelines: ["orders"])
        #expect(view.selectedPipeline == "orders")
        var chosen = TopViewState(selectedPipeline: "billing")
        chosen.reconcile(pipelines: ["orders", "billing"])
        #expect(chosen.selectedPipeline == "billing")
    }

    @Test func ratesComeFromSuccessivePolls() {
        var meter = StageRateMeter(span: 10)
        var funnel = TopFixtures.ordersFunnel
        meter.observe(funnel, atSeconds: 100)
        #expect(meter.rate(pipeline: "orders", stage: "ingest") == nil)
        funnel.stages[0].received += 400
        meter.observe(funnel, atSeconds: 102)
        #expect(meter.rate(pipeline: "orders", stage: "ingest") == 200)
        #expect(meter.rate(pipeline: "orders", stage: "process") == 0)
        for second in 103...120 {
            funnel.stages[0].received += 100
            meter.observe(funnel, atSeconds: Double(second))
        }
        #expect(meter.rate(pipeline: "orders", stage: "ingest") == 100)
        funnel.stages[0].received = 5
        meter.observe(funnel, atSeconds: 121)
        #expect(meter.rate(pipeline: "orders", stage: "ingest") == nil)
    }

    @Test func depthHistoryIsBounded() {
        var history = DepthHistory(capacity: 3)
        for depth in [1.0, 2, 3, 4] {
            history.record([QueueDepth(pipeline: "orders", queue: "dlq", depth: UInt64(depth), updatedAt: "2026-11-18T08:26:39Z", ageSeconds: 0, stale: false)])
        }
        #expect(history.depths["orders/dlq"] == [2, 3, 4])
        history.record([])
        #expect(history.depths.isEmpty)
    }

    @Test func aFailedPollKeepsTheLastDataAndCountsAttempts() {
        var model = TopModel(server: "http://127.0.0.1:9470", refreshSeconds: 1)
        let view = TopViewState(selectedPipeline: "orders")
        #expect(model.snapshot(view: view, atSeconds: 0, nowMillis: nil).connection == .connecting(attempt: 1, error: nil))
        let poll = TopPoll(pipelines: [PipelineDescriptor(name: "orders", stages: ["ingest", "process", "deliver"])], funnels: ["orders": TopFixtures.ordersFunnel], alarms: nil, queues: nil)
        model.record(poll, atSeconds: 10)
        let live = model.snapshot(view: view, atSeconds: 10.5, nowMillis: nil)
        #expect(live.connection == .live(dataAgeSeconds: 0.5))
        #expect(!live.alarmsAvailable)
        model.recordFailure("connection refused")
        model.recordFailure("connection refused")
        let stale = model.snapshot(view: view, atSeconds: 52, nowMillis: nil, nextPollInSeconds: 2)
        #expect(stale.connection == .unreachable(error: "connection refused", dataAgeSeconds: 42, attempt: 2, retryInSeconds: 2))
        #expect(stale.funnel == TopFixtures.ordersFunnel)
        #expect(model.nextPollDelay == 2)
        for _ in 0..<10 { model.recordFailure("connection refused") }
        #expect(model.nextPollDelay == 10)
        model.record(poll, atSeconds: 60)
        #expect(model.nextPollDelay == 1)
    }
}
