import FunnelCore
import FunnelTerminal
import Testing

@Suite struct TopInteractionTests {
    @Test func keysIncludingArrowsAndShiftTab() {
        var decoder = TopKeyDecoder()
        #expect(decoder.decode(Array("q".utf8)) == [.quit])
        #expect(decoder.decode([0x09]) == [.nextPipeline])
        #expect(decoder.decode(Array("\u{1B}[C\u{1B}[D\u{1B}[A\u{1B}[B\u{1B}[Z".utf8)) == [.nextPipeline, .previousPipeline, .previousPipeline, .nextPipeline, .previousPipeline])
        #expect(decoder.decode(Array("\u{1B}OC".utf8)) == [.nextPipeline])
        #expect(decoder.decode(Array("w?x".utf8)) == [.cycleWindow, .help, .other])
        #expect(decoder.decode([0x03]) == [.quit])
    }

    @Test func anEscapeSequenceSplitAcrossReadsIsOneKey() {
        var decoder = TopKeyDecoder()
        #expect(decoder.decode([0x1B]) == [])
        #expect(decoder.decode(Array("[".utf8)) == [])
        #expect(decoder.decode(Array("Cq".utf8)) == [.nextPipeline, .quit])
        #expect(decoder.decode([0x1B]) == [])
        #expect(decoder.flush() == [.escape])
    }

    @Test func tabAndArrowsCycleThroughPipelines() {
        var view = TopViewState()
        let pipelines = ["orders", "billing", "clicks"]
        view.reconcile(pipelines: pipelines)
        #expect(view.selectedPipeline == "orders")
        #expect(view.handle(.nextPipeline, pipelines: pipelines) == .redraw)
        #expect(view.selectedPipeline == "billing")
        _ = view.handle(.nextPipeline, pipelines: pipelines)
        _ = view.handle(.nextPipeline, pipelines: pipelines)
        #expect(view.selectedPipeline == "orders")
        _ = view.handle(.previousPipeline, pipelines: pipelines)
        #expect(view.selectedPipeline == "clicks")
        #expect(view.handle(.nextPipeline, pipelines: ["clicks"]) == .none)
    }

    @Test func wCyclesTheWindowAndAsksForFreshData() {
        var view = TopViewState(window: .oneMinute)
        #expect(view.handle(.cycleWindow, pipelines: []) == .refetch)
        #expect(view.window == .fiveMinutes)
        _ = view.handle(.cycleWindow, pipelines: [])
        #expect(view.window == .oneHour)
        _ = view.handle(.cycleWindow, pipelines: [])
        #expect(view.window == .oneMinute)
    }

    @Test func helpTogglesAndEscapeClosesIt() {
        var view = TopViewState()
        #expect(view.handle(.help, pipelines: []) == .redraw)
        #expect(view.showHelp)
        #expect(view.handle(.escape, pipelines: []) == .redraw)
        #expect(!view.showHelp)
        #expect(view.handle(.escape, pipelines: []) == .none)
        #expect(view.handle(.quit, pipelines: []) == .quit)
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
