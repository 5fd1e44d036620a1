import FunnelCore
import FunnelTerminal
import Testing

@Suite struct DemoScenarioTests {
    static func counts(_ step: DemoStep) -> [String: UInt64] {
        var counts: [String: UInt64] = [:]
        for report in step.reports { counts["\(report.stage).\(report.outcome)", default: 0] += report.count }
        return counts
    }

    @Test func everyMinuteHasCalmBurstOutageAndDraining() {
        var scenario = DemoScenario(rate: 100)
        var phases: [DemoPhase] = []
        for second in 0..<60 { phases.append(scenario.step(atSecond: second, eventTimeMillis: 0).phase) }
        #expect(phases[0] == .calm)
        #expect(phases[8..<16].allSatisfy { $0 == .burst })
        #expect(phases[24..<36].allSatisfy { $0 == .outage })
        #expect(phases[36] == .draining)
        #expect(phases[59] == .calm)
    }

    @Test func countsAddUpStageByStage() {
        var scenario = DemoScenario(rate: 500, seed: 7)
        for second in 0..<60 {
            let step = scenario.step(atSecond: second, eventTimeMillis: 1_795_000_000_000)
            let c = Self.counts(step)
            #expect(c["ingest.received"] == step.entered)
            #expect(c["ingest.received", default: 0] == c["ingest.passed", default: 0] + c["ingest.dead_lettered", default: 0])
            #expect(c["process.received", default: 0] <= c["ingest.passed", default: 0])
            let processOut = c["process.passed", default: 0] + c["process.failed", default: 0]
            if step.phase == .burst {
                #expect(processOut < c["process.received", default: 0], "a burst drops events silently at process")
            } else {
                #expect(processOut == c["process.received", default: 0])
            }
            #expect(c["deliver.received", default: 0] == c["process.passed", default: 0])
            if step.phase == .outage {
                #expect(c["deliver.passed"] == nil)
                #expect(c["deliver.dead_lettered"] == c["deliver.received"])
            }
            for report in step.reports {
                #expect(report.count > 0)
                #expect((report.latenciesMs?.count ?? 0) <= Int(report.count))
                #expect((report.endToEndLatenciesMs?.count ?? 0) <= Int(report.count))
                #expect(report.eventTime == EventTimestamp.formatRFC3339(millis: 1_795_000_000_000))
            }
        }
    }

    @Test func theDeadLetterQueueFillsDuringTheOutageAndDrainsAfter() {
        var scenario = DemoScenario(rate: 100)
        var depths: [UInt64] = []
        for second in 0..<60 { depths.append(scenario.step(atSecond: second, eventTimeMillis: 0).gauge.depth) }
        #expect(depths[23] == 0)
        #expect(depths[35] > 1000)
        #expect(zip(depths[24..<36], depths[25..<36]).allSatisfy { $0 < $1 })
        #expect(depths[59] == 0)
    }

    @Test func latencySpikesDuringBursts() {
        var scenario = DemoScenario(rate: 1000)
        let calm = scenario.step(atSecond: 2, eventTimeMillis: 0)
        let burst = scenario.step(atSecond: 10, eventTimeMillis: 0)
        let calmMax = calm.reports.first { $0.stage == "process" && $0.outcome == "passed" }?.latenciesMs?.max() ?? 0
        let burstMin = burst.reports.first { $0.stage == "process" && $0.outcome == "passed" }?.latenciesMs?.min() ?? 0
        #expect(calmMax <= 28)
        #expect(burstMin >= 60)
        #expect(burst.reports.first { $0.stage == "deliver" && $0.outcome == "passed" }?.endToEndLatenciesMs?.isEmpty == false)
    }

    @Test func theSameSeedGivesTheSameRun() {
        var first = DemoScenario(rate: 200, seed: 42)
        var second = DemoScenario(rate: 200, seed: 42)
        for t in 0..<30 {
            #expect(first.step(atSecond: t, eventTimeMillis: 0) == second.step(atSecond: t, eventTimeMillis: 0))
        }
    }
}
