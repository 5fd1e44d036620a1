import FunnelCore
import Testing

/// 2026-11-26T10:15:00Z.
private let t0: Int64 = 1_795_688_100_000
private let minute: Int64 = 60_000

private let policy = LedgerPolicy(pipelines: [PipelineDefinition(name: "events", stages: ["ingest", "deliver"], labels: ["tenant"])])

private func reports(tenant: String, received: UInt64, delivered: UInt64, at millis: Int64) -> [StageReport] {
    [
        StageReport(pipeline: "events", stage: "ingest", outcome: .received, count: received, eventTimeMillis: millis, labels: ["tenant": tenant]),
        StageReport(pipeline: "events", stage: "ingest", outcome: .passed, count: received, eventTimeMillis: millis, labels: ["tenant": tenant]),
        StageReport(pipeline: "events", stage: "deliver", outcome: .received, count: received, eventTimeMillis: millis, labels: ["tenant": tenant]),
        StageReport(pipeline: "events", stage: "deliver", outcome: .passed, count: delivered, eventTimeMillis: millis, labels: ["tenant": tenant]),
    ]
}

@Suite struct AlarmByLabelTests {
    static let rule = AlarmRule(
        name: "tenant-delivery", kind: .deliveryRatio(pipeline: "events", windowSeconds: 600), condition: AlarmCondition(.below, 0.99),
        receivers: ["ops"], by: "tenant"
    )

    @Test func aByRuleFiresPerValueThatCrossesWithTheValueInLabelsAndSummary() throws {
        var ledger = FunnelLedger(policy: policy)
        var evaluator = AlarmEvaluator(rules: [Self.rule])
        try ledger.ingest(
            reports(tenant: "acme", received: 100, delivered: 70, at: t0) + reports(tenant: "globex", received: 100, delivered: 100, at: t0)
                + reports(tenant: "initech", received: 100, delivered: 90, at: t0),
            nowMillis: t0
        )
        var now = t0 + 10 * minute
        ledger.settle(nowMillis: now)
        let fired = evaluator.evaluate(ledger: ledger, nowMillis: now)
        #expect(fired.map { $0.labels["tenant"] } == ["acme", "initech"])
        #expect(fired.allSatisfy { $0.status == .firing && $0.labels["alertname"] == "tenant-delivery" })
        #expect(fired.first?.summary.contains("for tenant acme") == true)
        #expect(Set(fired.map(\.fingerprint)).count == 2, "each value is an alert of its own")
        let statuses = evaluator.statuses()
        #expect(statuses.map { $0.labels["tenant"] } == ["acme", "globex", "initech"])
        #expect(statuses.map(\.state) == [.firing, .inactive, .firing])

        // initech recovers (replayed and delivered late into the same bucket): only it resolves.
        try ledger.ingest(
            [
                StageReport(pipeline: "events", stage: "deliver", outcome: .passed, count: 10, eventTimeMillis: t0, labels: ["tenant": "initech"]),
            ],
            nowMillis: now
        )
        now += 1000
        ledger.settle(nowMillis: now)
        let resolved = evaluator.evaluate(ledger: ledger, nowMillis: now)
        #expect(resolved.map { $0.labels["tenant"] } == ["initech"])
        #expect(resolved.first?.status == .resolved)
        #expect(evaluator.evaluate(ledger: ledger, nowMillis: now + 1000).isEmpty, "acme fires once until repeat_interval")
    }

    @Test func alertmanagerIsToldEveryFiringValueWithItsDescription() throws {
        var ledger = FunnelLedger(policy: policy)
        var evaluator = AlarmEvaluator(rules: [Self.rule])
        try ledger.ingest(
            reports(tenant: "acme", received: 100, delivered: 70, at: t0) + reports(tenant: "globex", received: 100, delivered: 100, at: t0)
                + reports(tenant: "initech", received: 200, delivered: 180, at: t0),
            nowMillis: t0
        )
        let now = t0 + 10 * minute
        ledger.settle(nowMillis: now)
        _ = evaluator.evaluate(ledger: ledger, nowMillis: now)
        let firing = evaluator.firingNotifications(ledger: ledger, nowMillis: now + 1000)
        #expect(firing.map { $0.labels["tenant"] } == ["acme", "initech"])
        #expect(firing.map { $0.labels["severity"] } == ["warning", "warning"])
        #expect(firing.first?.context?.hasPrefix("events tenant acme: ingested 100, delivered 70") == true, "\(firing.first?.context ?? "nil")")
    }

    @Test func eachValuesStateIsRestoredByItsKey() throws {
        var ledger = FunnelLedger(policy: policy)
        var evaluator = AlarmEvaluator(rules: [Self.rule])
        try ledger.ingest(reports(tenant: "ac\"me", received: 100, delivered: 50, at: t0), nowMillis: t0)
        let now = t0 + 10 * minute
        ledger.settle(nowMillis: now)
        #expect(evaluator.evaluate(ledger: ledger, nowMillis: now).count == 1)
        let (key, tracker) = try #require(evaluator.trackers.first { $0.value.group != nil })
        #expect(key == #"tenant-delivery{tenant="ac\"me"}"#)
        var restarted = AlarmEvaluator(rules: [Self.rule])
        restarted.restore(
            key, state: tracker.state, pendingSinceMillis: tracker.pendingSinceMillis, firingSinceMillis: tracker.firingSinceMillis,
            lastNotifiedMillis: tracker.lastNotifiedMillis, sequence: tracker.sequence, resolvedAtMillis: tracker.resolvedAtMillis
        )
        #expect(restarted.trackers[key]?.group == AlarmGroup(label: "tenant", value: "ac\"me"))
        #expect(restarted.evaluate(ledger: ledger, nowMillis: now + 1000).isEmpty, "a restored firing value does not fire again")
    }

    @Test func valuesThatCrossTogetherGoOutAsOneMessageWithAnAlertEach() throws {
        let notifications = [
            AlarmNotification(
                alarm: "tenant-delivery", status: .firing, labels: ["alertname": "tenant-delivery", "pipeline": "events", "tenant": "acme"],
                annotations: [:], startsAtMillis: t0, endsAtMillis: nil, fingerprint: "a", value: 0.7, threshold: 0.99,
                summary: "tenant-delivery: acme", context: nil, receivers: ["ops"], sequence: 0
            ),
            AlarmNotification(
                alarm: "tenant-delivery", status: .firing, labels: ["alertname": "tenant-delivery", "pipeline": "events", "tenant": "initech"],
                annotations: [:], startsAtMillis: t0, endsAtMillis: nil, fingerprint: "b", value: 0.9, threshold: 0.99,
                summary: "tenant-delivery: initech", context: nil, receivers: ["ops"], sequence: 0
            ),
        ]
        let generic = WebhookReceiver(name: "ops", format: .generic, url: "http://127.0.0.1:1/hook")
        let body = String(decoding: WebhookPayload.render(notifications, for: generic, externalURL: "http://funnel"), as: UTF8.self)
        #expect(body.contains(#""tenant":"acme""#) && body.contains(#""tenant":"initech""#))
        #expect(body.contains(#""commonLabels":{"alertname":"tenant-delivery","pipeline":"events"}"#))
        let slack = WebhookReceiver(name: "ops", format: .slack, url: "http://127.0.0.1:1/hook")
        let text = String(decoding: WebhookPayload.render(notifications, for: slack, externalURL: "http://funnel"), as: UTF8.self)
        #expect(text.contains("tenant-delivery: 2 firing") && text.contains("tenant-delivery: acme") && text.contains("tenant-delivery: initech"))
        #expect(AlarmNotification(combining: notifications).idempotencyKey == AlarmNotification(combining: notifications).idempotencyKey)
        #expect(AlarmNotification(combining: notifications).idempotencyKey != notifications[0].idempotencyKey)
    }
}
