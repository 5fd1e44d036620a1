import FunnelCore
import Testing

private typealias Scenario = ComparisonScenario

@Suite struct ComparisonAlarmTests {
    static let rollback = Comparison(name: "rollback", baseline: "orders-v2", candidate: "orders-v1")

    @Test func aCandidateBelowTheBaselineByMoreThanTheGapFires() throws {
        let ledger = try Scenario.ledger()
        let rule = AlarmRule(
            name: "candidate-worse", kind: .comparison(Self.rollback, measure: .deliveryGap, windowSeconds: 600), condition: AlarmCondition(.above, 0.05)
        )
        var evaluator = AlarmEvaluator(rules: [rule])
        let sent = evaluator.evaluate(ledger: ledger, nowMillis: Scenario.now)
        #expect(sent.map(\.status) == [.firing])
        let gap = 5999.0 / 6000 - 5600.0 / 6000
        #expect(sent.first?.value == gap)
        #expect(sent.first?.summary == "candidate-worse: orders-v1 delivers 6.65% less than orders-v2 in the last settled 10m (threshold 5%)")
        #expect(sent.first?.labels["comparison"] == "rollback")
    }

    @Test func aBetterCandidateDoesNotFire() throws {
        let rule = AlarmRule(
            name: "candidate-worse", kind: .comparison(Scenario.comparison, measure: .deliveryGap, windowSeconds: 600), condition: AlarmCondition(.above, 0)
        )
        var evaluator = AlarmEvaluator(rules: [rule])
        #expect(evaluator.evaluate(ledger: try Scenario.ledger(), nowMillis: Scenario.now).isEmpty)
        #expect(evaluator.statuses().first?.value == 5600.0 / 6000 - 5999.0 / 6000)
    }

    @Test func theWindowEndsWhereBothPipelinesHaveSettled() throws {
        let rule = AlarmRule(
            name: "candidate-worse", kind: .comparison(Self.rollback, measure: .deliveryGap, windowSeconds: 120), condition: AlarmCondition(.above, 0)
        )
        var evaluator = AlarmEvaluator(rules: [rule])
        #expect(evaluator.evaluate(ledger: try Scenario.ledger(), nowMillis: Scenario.now).isEmpty, "the last two settled minutes (5, and 6 without events) lost nothing")
        #expect(evaluator.statuses().first?.value == 0)
    }

    @Test func aBrokenDuplicationFiresTheMismatchBound() throws {
        let rule = AlarmRule(
            name: "duplication-broken", kind: .comparison(Scenario.comparison, measure: .inputMismatch, windowSeconds: 3600),
            condition: AlarmCondition(.above, 5)
        )
        var evaluator = AlarmEvaluator(rules: [rule])
        #expect(evaluator.evaluate(ledger: try Scenario.ledger(), nowMillis: Scenario.now).isEmpty)
        var broken = AlarmEvaluator(rules: [rule])
        let sent = broken.evaluate(ledger: try Scenario.ledger(brokenDuplication: true), nowMillis: Scenario.now)
        #expect(sent.map(\.status) == [.firing])
        #expect(sent.first?.summary == "duplication-broken: orders-v2 and orders-v1 ingested inputs 10 events apart in the last settled 1h (threshold 5 events)")
    }

    @Test func nothingSettledIsNoData() throws {
        let rule = AlarmRule(
            name: "candidate-worse", kind: .comparison(Scenario.comparison, measure: .deliveryGap, windowSeconds: 600), condition: AlarmCondition(.above, 0)
        )
        var evaluator = AlarmEvaluator(rules: [rule])
        #expect(evaluator.evaluate(ledger: FunnelLedger(policy: Scenario.policy), nowMillis: Scenario.t0).isEmpty)
        #expect(evaluator.statuses().first?.value == nil)
    }
}
