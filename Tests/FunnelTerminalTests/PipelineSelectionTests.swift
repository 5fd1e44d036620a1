import FunnelCore
import FunnelTerminal
import Testing

/// `funnel status --pipeline GLOB --worst N`: which pipelines it reports, and which values it refuses.
@Suite struct PipelineSelectionTests {
    @Test(arguments: [
        ("orders", "orders", true), ("orders", "orders-eu", false), ("orders*", "orders-eu", true), ("*-eu", "orders-eu", true),
        ("*-eu", "orders-us", false), ("tenant-0?-*", "tenant-07-order", true), ("tenant-0?-*", "tenant-17-order", false),
        ("tenant-[0-1]7*", "tenant-17-x", true), ("tenant-[!0]7*", "tenant-07-x", false), ("*", "", true), ("a*b*c", "axxbyyc", true),
        ("a*b*c", "axxbyy", false), (#"stars\*"#, "stars*", true), (#"stars\*"#, "starsx", false), ("[ab]?", "b1", true),
    ])
    func globsMatchWholeNames(pattern: String, name: String, matches: Bool) throws {
        #expect(try PipelineGlob(pattern).matches(name) == matches)
    }

    @Test func commasAndRepeatsAddPatterns() throws {
        let selection = try PipelineSelection(pipelines: ["orders, tenant-0*", "billing"], worst: nil)
        #expect(selection.patterns.map(\.pattern) == ["orders", "tenant-0*", "billing"])
        #expect(selection.matching(["billing", "tenant-07", "tenant-17", "orders"]) == ["billing", "tenant-07", "orders"])
        #expect(selection.unmatched(["orders", "tenant-07"]).map(\.pattern) == ["billing"])
        #expect(!selection.isSinglePipeline)
        #expect(try PipelineSelection(pipelines: ["orders"], worst: nil).isSinglePipeline)
        #expect(try !PipelineSelection(pipelines: ["orders*"], worst: nil).isSinglePipeline)
        #expect(try !PipelineSelection(pipelines: ["orders"], worst: 1).isSinglePipeline)
        #expect(try !PipelineSelection(pipelines: [], worst: nil).narrows)
    }

    @Test(arguments: [
        (["a,,b"], nil, #"--pipeline "a,,b": an empty pattern"#),
        (["tenant-[0-"], nil, #"--pipeline "tenant-[0-": an unclosed "[" at character 8"#),
        (["x-[z-a]"], nil, #"--pipeline "x-[z-a]": the range z-a at character 4 runs backwards"#),
        ([#"end\"#], nil, #"--pipeline "end\\": a "\" with nothing after it at the end"#),
        ([], 0, #"--worst "0": expected how many pipelines to show, 1 or more"#),
    ] as [([String], Int?, String)])
    func badValuesAreRefusedNamingTheOption(pipelines: [String], worst: Int?, message: String) {
        #expect(throws: PipelineSelectionError.self) { try PipelineSelection(pipelines: pipelines, worst: worst) }
        do {
            _ = try PipelineSelection(pipelines: pipelines, worst: worst)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func worstFollowsTheTroubleOrder() {
        let names = ["calm", "leaky", "paging", "busy", "warning", "new"]
        func funnel(_ name: String, ratio: Double?, inFlight: UInt64) -> PipelineFunnel {
            PipelineFunnel(
                pipeline: name, stages: [], transit: [],
                totals: FunnelTotals(ingested: 100, delivered: 90, settledIngested: 100, settledDelivered: 90, deliveryRatio: ratio, lost: 0, excess: 0, inFlight: inFlight)
            )
        }
        let funnels = [
            "calm": funnel("calm", ratio: 1, inFlight: 0), "leaky": funnel("leaky", ratio: 0.9, inFlight: 0),
            "paging": funnel("paging", ratio: 0.999, inFlight: 0), "busy": funnel("busy", ratio: 1, inFlight: 500),
            "warning": funnel("warning", ratio: 1, inFlight: 0), "new": funnel("new", ratio: nil, inFlight: 900),
        ]
        func alarm(_ pipeline: String, _ state: AlarmState) -> AlarmStatus {
            AlarmStatus(name: "\(pipeline)-alarm", kind: "dlq_depth", state: state, since: nil, value: 1, threshold: 0, summary: "", pipeline: pipeline, stage: nil, queue: nil, labels: [:])
        }
        let ranked = PipelineTrouble.ranked(names, funnels: funnels, alarms: [alarm("paging", .firing), alarm("warning", .pending), alarm("calm", .inactive)])
        #expect(ranked.map(\.pipeline) == ["paging", "warning", "leaky", "busy", "calm", "new"])
        #expect(ranked[0].firing == 1 && ranked[1].pending == 1 && ranked[4].firing == 0)
    }

    @Test func statusWithWorstSaysHowManyOfHowManyAndInWhichOrder() throws {
        let worst = FleetFixtures.ranking.prefix(3).compactMap { FleetFixtures.funnels[$0.pipeline] }
        let chosen = Set(worst.map(\.pipeline))
        var report = StatusReport(
            server: "http://127.0.0.1:9470", funnels: worst, alarms: FleetFixtures.alarms.filter { chosen.contains($0.pipeline) }, queues: FleetFixtures.queues
        )
        report.serverPipelines = 30
        report.mostTroubleFirst = true
        let lines = report.lines()
        #expect(lines[0] == "FIRING: 2 firing, 1 pending · 3 of 30 pipelines, most trouble first · http://127.0.0.1:9470")
        try GoldenFile.check(lines, against: "status-fleet-worst-3.txt")
    }
}
