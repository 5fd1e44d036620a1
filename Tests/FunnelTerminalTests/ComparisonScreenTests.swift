import FunnelCore
import FunnelTerminal
import Testing

/// A migration as the server computes it: `orders-v1` delivers 1000, 850, 800 and 950 of 1,000 in minutes 0, 1, 2
/// and 4; `orders-v2` 1000, 1000, 999 and 1000. Backfill 399 in two windows (minutes 1-3, 4-5).
private enum Migration {
    static let t0: Int64 = 1_795_688_100_000
    static let comparison = Comparison(name: "orders-migration", baseline: "orders-v1", candidate: "orders-v2")

    static func ledger() throws -> FunnelLedger {
        var ledger = FunnelLedger(policy: LedgerPolicy(pipelines: [
            PipelineDefinition(name: "orders-v1", stages: ["ingest", "enrich", "deliver"]), PipelineDefinition(name: "orders-v2", stages: ["ingest", "deliver"]),
        ]))
        var reports: [StageReport] = []
        for (minute, baseline, candidate) in [(0, 1000, 1000), (1, 850, 1000), (2, 800, 999), (4, 950, 1000)] as [(Int64, UInt64, UInt64)] {
            let at = t0 + minute * 60_000
            let counts: [(String, String, Outcome, UInt64)] = [
                ("orders-v1", "ingest", .received, 1000), ("orders-v1", "ingest", .passed, 1000), ("orders-v1", "enrich", .received, 1000),
                ("orders-v1", "enrich", .passed, baseline), ("orders-v1", "deliver", .received, baseline), ("orders-v1", "deliver", .passed, baseline),
                ("orders-v2", "ingest", .received, 1000), ("orders-v2", "ingest", .passed, 1000), ("orders-v2", "deliver", .received, 1000),
                ("orders-v2", "deliver", .passed, candidate),
            ]
            reports += counts.map { StageReport(pipeline: $0.0, stage: $0.1, outcome: $0.2, count: $0.3, eventTimeMillis: at) }
        }
        try ledger.ingest(reports, nowMillis: t0 + 5 * 60_000)
        ledger.settle(nowMillis: t0 + 11 * 60_000)
        return ledger
    }

    static func snapshot() throws -> TopSnapshot {
        let ledger = try Self.ledger()
        var funnels: [String: PipelineFunnel] = [:]
        for name in ["orders-v1", "orders-v2"] { funnels[name] = ledger.funnel(pipeline: name) }
        var snapshot = TopSnapshot(
            server: "http://127.0.0.1:9470", pipelines: ["orders-v1", "orders-v2"], selectedPipeline: "orders-v2", funnel: funnels["orders-v2"],
            connection: .live(dataAgeSeconds: 0.4), nowMillis: EventTimestamp.parseRFC3339("2026-11-26T10:26:40Z"), picker: PipelinePicker(),
            ranking: PipelineTrouble.ranked(["orders-v1", "orders-v2"], funnels: funnels, alarms: [])
        )
        snapshot.comparisons = [ledger.comparison(Self.comparison)]
        return snapshot
    }
}

@Suite struct ComparisonScreenTests {
    @Test func theOverviewShowsTheComparisonUnderItsCandidate() throws {
        let lines = TopScreen.render(try Migration.snapshot(), size: .classic, color: false)
        try GoldenFile.check(lines, against: "top-overview-comparison-80x24.txt")
        let row = try #require(lines.firstIndex { $0.contains("orders-v2") && !$0.contains("⇄") })
        #expect(lines[row + 1].contains("⇄ orders-migration vs orders-v1: 90.00% → 99.98% delivered, backfill 399"))
        #expect(lines.filter { $0.contains("⇄") }.count == 1)
    }

    @Test func compareShowsBothPipelinesSideBySideWithTheVerdict() throws {
        let text = ComparisonText(try Migration.ledger().comparison(Migration.comparison))
        try GoldenFile.check(text.lines(), against: "compare-orders-migration.txt")
    }

    @Test func theBackfillWindowsAreOneALineForAReplayTool() throws {
        let text = ComparisonText(try Migration.ledger().comparison(Migration.comparison))
        #expect(text.backfill(.ndjson) == """
            {"from":"2026-11-26T10:16:00Z","to":"2026-11-26T10:18:00Z","events":349}
            {"from":"2026-11-26T10:19:00Z","to":"2026-11-26T10:20:00Z","events":50}

            """)
        #expect(text.backfill(.csv) == """
            from,to,events
            2026-11-26T10:16:00Z,2026-11-26T10:18:00Z,349
            2026-11-26T10:19:00Z,2026-11-26T10:20:00Z,50

            """)
    }
}
