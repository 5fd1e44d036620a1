import FunnelCore
import FunnelServer
import Testing

@Suite struct StatsDMappingTests {
    let parser = StatsDLineParser(mappings: [
        StatsDMapping(match: "orders.*.latency", metricType: .timer, pipeline: "orders", stage: "$1"),
        StatsDMapping(match: "dlq.*.depth", metricType: .gauge, pipeline: "$1", queue: "${1}-dlq"),
        StatsDMapping(match: "checkout.*", pipeline: "checkout", stage: "$1"),
        StatsDMapping(match: "legacy_*.*.count", pipeline: "legacy-$1", stage: "$2", outcome: "received"),
        StatsDMapping(match: "*.*.*", pipeline: "$1", stage: "$2", outcome: "$3"),
    ])

    @Test(arguments: [
        ("orders.ingest.received:5|c", StatsDLine.events(StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 5))),
        ("billing.charge.dead_lettered:2|c|@0.5", .events(StageReport(pipeline: "billing", stage: "charge", outcome: .deadLettered, count: 4))),
        ("orders.process.latency:12|ms", .latency(LatencyObservation(pipeline: "orders", stage: "process", millis: 12))),
        ("dlq.orders.depth:4|g", .dlqDepth(QueueDepthReport(pipeline: "orders", queue: "orders-dlq", depth: 4))),
        ("checkout.pay:1|c|#outcome:passed", .events(StageReport(pipeline: "checkout", stage: "pay", outcome: .passed, count: 1))),
        ("checkout.pay:3|c|#outcome:failed,pipeline:ignored", .events(StageReport(pipeline: "checkout", stage: "pay", outcome: .failed, count: 3))),
        ("legacy_shop.cart.count:6|c", .events(StageReport(pipeline: "legacy-shop", stage: "cart", outcome: .received, count: 6))),
        (
            "orders.ingest.passed:1|c|#event_time:2026-11-26T10:15:00Z",
            .events(StageReport(pipeline: "orders", stage: "ingest", outcome: .passed, count: 1, eventTimeMillis: 1_795_688_100_000))
        ),
    ])
    func mapsDottedNames(line: String, expected: StatsDLine) throws {
        #expect(try parser.parse(line) == expected)
    }

    @Test(arguments: [
        ("orders.ingest:1|c", StatsDLineRejection.Reason.unmapped),
        ("a.b.c.d:1|c", .unmapped),
        ("a..c:1|c", .unmapped),
        ("orders.process.latency:12|c", .unknownOutcome),
        ("dlq.orders.depth:4|c", .unknownOutcome),
        ("checkout.pay:1|c", .missingTag),
        ("orders.ingest.lost:1|c", .unknownOutcome),
    ])
    func refusesWhatTheRulesDoNotCover(line: String, reason: StatsDLineRejection.Reason) {
        do {
            let parsed = try parser.parse(line)
            Issue.record("\(line) parsed as \(String(describing: parsed))")
        } catch {
            #expect(error.reason == reason, "\(line): \(error.message)")
        }
    }

    @Test func starMatchesOnePartAndTheFirstRuleWins() {
        let rule = StatsDMapping(match: "*.*", pipeline: "$1", stage: "$2")
        #expect(rule.apply(to: "a.b", type: .counter)?.stage == "b")
        #expect(rule.apply(to: "a.b.c", type: .counter) == nil)
        #expect(rule.apply(to: ".b", type: .counter) == nil)
        let partial = StatsDMapping(match: "app_*_v*.*", pipeline: "$1", stage: "$3-$2")
        #expect(partial.apply(to: "app_shop_v2.cart", type: .timer) == StatsDMapping.MappedFields(pipeline: "shop", stage: "cart-2"))
        #expect(partial.apply(to: "app_a_b_v3.x", type: .timer)?.pipeline == "a_b")
        let dollar = StatsDMapping(match: "*", pipeline: "p$$", stage: "${1}x")
        #expect(dollar.apply(to: "s", type: .counter) == StatsDMapping.MappedFields(pipeline: "p$", stage: "sx"))
    }

    /// Rules are checked when the configuration is loaded, naming the field at fault.
    @Test(arguments: [
        (StatsDMapping(match: "", pipeline: "p"), "match"),
        (StatsDMapping(match: "a.**", pipeline: "p"), "match"),
        (StatsDMapping(match: "a/*", pipeline: "p"), "match"),
        (StatsDMapping(match: "*.*"), "match"),
        (StatsDMapping(match: "*.*", pipeline: "$1", stage: "$3"), "stage"),
        (StatsDMapping(match: "*", pipeline: "$0"), "pipeline"),
        (StatsDMapping(match: "*", pipeline: "${1"), "pipeline"),
        (StatsDMapping(match: "*", pipeline: "$1", outcome: "lost"), "outcome"),
        (StatsDMapping(match: "*", pipeline: "bad name", stage: "$1"), "pipeline"),
        (StatsDMapping(match: "*", pipeline: "$1", queue: ""), "queue"),
    ])
    func findsProblemsInRules(rule: StatsDMapping, field: String) {
        #expect(rule.problem()?.field == field)
    }

    @Test func acceptsGoodRules() {
        #expect(StatsDMapping(match: "*.*.*", pipeline: "$1", stage: "$2", outcome: "$3").problem() == nil)
        #expect(StatsDMapping(match: "orders.*", pipeline: "orders", stage: "$1", outcome: "passed").problem() == nil)
        #expect(StatsDMapping(match: "*.*.*", pipeline: "$1", stage: "$2", outcome: "$3").captureCount == 3)
    }
}
