import FunnelCore
import Testing

@Suite struct DLQSourceAlarmTests {
    let rule = AlarmRule(
        name: "orders-dlq-source", kind: .dlqSourceDown(pipeline: "orders", queue: "orders-dlq", source: nil),
        condition: AlarmCondition(.above, 0), forSeconds: 30, receivers: ["oncall"], repeatIntervalSeconds: 0
    )

    func status(up: Bool?, queue: String = "orders-dlq", error: String? = nil) -> DLQSourceStatus {
        var health = DLQSourceHealth(identity: DLQSourceIdentity(source: "sqs:orders/\(queue)", kind: .sqs, pipeline: "orders", queue: queue))
        if up == true { health.succeeded(DLQReading(depth: 1), nowMillis: 0) }
        if up == false { health.failed(.error, message: error ?? "sqs:orders/\(queue): connection refused", nowMillis: 0) }
        return health.status
    }

    @Test func firesAfterForWhileTheSourceIsDownAndResolvesWhenItIsBack() {
        var evaluator = AlarmEvaluator(rules: [self.rule])
        let ledger = FunnelLedger()
        #expect(evaluator.evaluate(ledger: ledger, nowMillis: 0, sources: [self.status(up: nil)]).isEmpty)
        #expect(evaluator.statuses()[0].state == .inactive)
        let down = [self.status(up: false, error: "sqs:orders/orders-dlq: SignatureDoesNotMatch: bad")]
        #expect(evaluator.evaluate(ledger: ledger, nowMillis: 1_000, sources: down).isEmpty)
        #expect(evaluator.statuses()[0].state == .pending)
        let fired = evaluator.evaluate(ledger: ledger, nowMillis: 31_000, sources: down)
        #expect(fired.map(\.status) == [.firing])
        #expect(fired.first?.summary == "orders-dlq-source: DLQ source orders/orders-dlq is down, for 30s")
        #expect(fired.first?.labels["kind"] == "dlq_source_down")
        #expect(fired.first?.labels["queue"] == "orders-dlq")
        #expect(fired.first?.annotations["description"] == "sqs:orders/orders-dlq: SignatureDoesNotMatch: bad")
        let resolved = evaluator.evaluate(ledger: ledger, nowMillis: 40_000, sources: [self.status(up: true)])
        #expect(resolved.map(\.status) == [.resolved])
    }

    @Test func watchesOnlyTheNamedQueue() {
        var evaluator = AlarmEvaluator(rules: [AlarmRule(
            name: "x", kind: .dlqSourceDown(pipeline: "orders", queue: "orders-dlq", source: nil), condition: AlarmCondition(.above, 0)
        )])
        let other = [self.status(up: true), self.status(up: false, queue: "payments-dlq")]
        #expect(evaluator.evaluate(ledger: FunnelLedger(), nowMillis: 0, sources: other).isEmpty)
        #expect(evaluator.statuses()[0].value == 0)
    }
}
