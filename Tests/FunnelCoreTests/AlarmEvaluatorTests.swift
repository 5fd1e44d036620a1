import Foundation
import FunnelCore
import Testing

/// 2026-11-26T10:15:00Z.
private let t0: Int64 = 1_795_688_100_000
private let second: Int64 = 1000
private let minute: Int64 = 60_000

/// A ledger and an evaluator driven by hand.
private struct AlarmBench {
    var ledger = FunnelLedger()
    var evaluator: AlarmEvaluator
    var now: Int64 = t0
    var sent: [AlarmNotification] = []

    init(_ rule: AlarmRule) {
        self.evaluator = AlarmEvaluator(rules: [rule])
    }

    mutating func report(_ reports: [StageReport]) throws {
        let batch = try self.ledger.admit(reports, nowMillis: self.now)
        self.ledger.apply(batch, nowMillis: self.now)
    }

    mutating func depth(_ depth: UInt64) throws {
        let batch = try self.ledger.admit(ReportBody(queueDepths: [QueueDepthReport(pipeline: "orders", queue: "dlq", depth: depth)]), nowMillis: self.now)
        self.ledger.apply(batch, nowMillis: self.now)
    }

    /// Advances the clock and evaluates; returns what was sent at this tick.
    @discardableResult
    mutating func tick(after millis: Int64 = second) -> [AlarmNotification] {
        self.now += millis
        self.ledger.settle(nowMillis: self.now)
        let notifications = self.evaluator.evaluate(ledger: self.ledger, nowMillis: self.now)
        self.sent += notifications
        return notifications
    }

    var state: AlarmState { self.evaluator.statuses()[0].state }
}

private func stage(_ stage: String, _ outcome: Outcome, _ count: UInt64, at millis: Int64 = t0) -> StageReport {
    StageReport(pipeline: "orders", stage: stage, outcome: outcome, count: count, eventTimeMillis: millis)
}

@Suite struct AlarmEvaluatorTests {
    let depthRule = AlarmRule(
        name: "orders-dlq", kind: .dlqDepth(pipeline: "orders", queue: "dlq"), condition: AlarmCondition(.above, 100, clearAt: 80),
        receivers: ["oncall"], repeatIntervalSeconds: 0
    )

    @Test func depthAboveTheThresholdFiresOnceAndResolvesBelowClear() throws {
        var bench = AlarmBench(depthRule)
        try bench.depth(340)
        let fired = bench.tick()
        #expect(fired.map(\.status) == [.firing])
        #expect(fired.first?.summary == "orders-dlq: dlq depth 340 (threshold 100)")
        #expect(fired.first?.labels == ["alertname": "orders-dlq", "pipeline": "orders", "queue": "dlq", "kind": "dlq_depth", "severity": "warning"])
        #expect(bench.tick().isEmpty)
        try bench.depth(90)
        #expect(bench.tick().isEmpty)
        #expect(bench.state == .firing)
        try bench.depth(79)
        let resolved = bench.tick()
        #expect(resolved.map(\.status) == [.resolved])
        #expect(resolved.first?.endsAtMillis == bench.now)
        #expect(resolved.first?.fingerprint == fired.first?.fingerprint)
        #expect(bench.state == .inactive)
    }

    @Test func flappingAroundTheThresholdDoesNotStorm() throws {
        var bench = AlarmBench(depthRule)
        for depth: UInt64 in [99, 101, 95, 104, 99, 130, 85, 101, 92, 100] {
            try bench.depth(depth)
            bench.tick()
        }
        #expect(bench.sent.map(\.status) == [.firing])
    }

    @Test func forDelaysFiringAndAShortBlipStaysPending() throws {
        var rule = depthRule
        rule.forSeconds = 60
        var bench = AlarmBench(rule)
        try bench.depth(200)
        #expect(bench.tick().isEmpty)
        #expect(bench.state == .pending)
        try bench.depth(10)
        #expect(bench.tick().isEmpty)
        #expect(bench.state == .inactive)
        try bench.depth(200)
        bench.tick()
        #expect(bench.tick(after: 59 * second).isEmpty)
        #expect(bench.tick(after: second).map(\.status) == [.firing])
    }

    @Test func firingRepeatsOnlyAfterTheRepeatInterval() throws {
        var rule = depthRule
        rule.repeatIntervalSeconds = 600
        var bench = AlarmBench(rule)
        try bench.depth(200)
        bench.tick()
        #expect(bench.tick(after: 599 * second).isEmpty)
        let repeated = bench.tick(after: second)
        #expect(repeated.map(\.sequence) == [1])
        #expect(repeated.first?.idempotencyKey != bench.sent.first?.idempotencyKey)
    }

    @Test func resolvedIsNotSentWhenNotWanted() throws {
        var rule = depthRule
        rule.sendResolved = false
        var bench = AlarmBench(rule)
        try bench.depth(200)
        bench.tick()
        try bench.depth(0)
        #expect(bench.tick().isEmpty)
        #expect(bench.state == .inactive)
    }

    @Test func annotationsAreFilledFromTemplates() throws {
        var rule = depthRule
        rule.annotations = ["summary": "{{ $labels.queue }} at {{$value}} (limit {{ $threshold }})", "runbook_url": "https://r/x"]
        var bench = AlarmBench(rule)
        try bench.depth(150)
        let fired = try #require(bench.tick().first)
        #expect(fired.annotations["summary"] == "dlq at 150 (limit 100)")
        #expect(fired.annotations["runbook_url"] == "https://r/x")
    }

    @Test func dlqGrowthMeasuresDeadLetteredEventsPerMinute() throws {
        let rule = AlarmRule(name: "growth", kind: .dlqGrowth(pipeline: "orders", stage: nil, windowSeconds: 60), condition: AlarmCondition(.above, 50))
        var bench = AlarmBench(rule)
        try bench.report([stage("deliver", .deadLettered, 1)])
        bench.tick()
        for _ in 0..<6 {
            try bench.report([stage("deliver", .deadLettered, 5, at: bench.now)])
            bench.tick(after: 10 * second)
        }
        #expect(bench.state == .inactive, "30 per minute is under 50")
        for _ in 0..<6 {
            try bench.report([stage("deliver", .deadLettered, 12, at: bench.now)])
            bench.tick(after: 10 * second)
        }
        #expect(bench.sent.map(\.status) == [.firing])
        #expect(bench.sent.first.flatMap(\.value).map { $0 > 50 } == true)
    }

    @Test func silentLossFiresOnTheSettledRatioOnly() throws {
        let rule = AlarmRule(name: "loss", kind: .silentLoss(pipeline: "orders", stage: "process", windowSeconds: 3600), condition: AlarmCondition(.above, 0.01))
        var bench = AlarmBench(rule)
        try bench.report([stage("process", .received, 1000), stage("process", .passed, 980)])
        #expect(bench.tick().isEmpty, "unsettled differences are in flight, not loss")
        bench.tick(after: 6 * minute)
        #expect(bench.sent.map(\.status) == [.firing])
        #expect(bench.sent.first?.value == 0.02)
        #expect(bench.sent.first?.summary == "loss: process silent loss 2% in the last settled 1h (threshold 1%)")
    }

    @Test func silentLossStaysQuietUnderTheThreshold() throws {
        let rule = AlarmRule(name: "loss", kind: .silentLoss(pipeline: "orders", stage: "process", windowSeconds: 3600), condition: AlarmCondition(.above, 0.01))
        var bench = AlarmBench(rule)
        try bench.report([stage("process", .received, 1000), stage("process", .passed, 995)])
        bench.tick(after: 6 * minute)
        #expect(bench.sent.isEmpty)
        #expect(bench.evaluator.statuses().first?.value == 0.005)
    }

    @Test func transitLossComparesPassedWithReceivedDownstream() throws {
        let rule = AlarmRule(name: "hop", kind: .transitLoss(pipeline: "orders", from: "ingest", to: nil, windowSeconds: 3600), condition: AlarmCondition(.above, 0.01))
        var quiet = AlarmBench(rule)
        try quiet.report([stage("ingest", .passed, 1000), stage("process", .received, 995)])
        quiet.tick(after: 6 * minute)
        #expect(quiet.sent.isEmpty)
        var loud = AlarmBench(rule)
        try loud.report([stage("ingest", .passed, 1000), stage("process", .received, 950)])
        loud.tick(after: 6 * minute)
        #expect(loud.sent.first?.value == 0.05)
    }

    @Test func deliveryRatioFiresBelowAndClearsAboveClearAt() throws {
        let rule = AlarmRule(name: "delivery", kind: .deliveryRatio(pipeline: "orders", windowSeconds: 3600), condition: AlarmCondition(.below, 0.99, clearAt: 0.995))
        var bench = AlarmBench(rule)
        try bench.report([stage("ingest", .received, 1000), stage("deliver", .passed, 980)])
        bench.tick(after: 6 * minute)
        #expect(bench.sent.map(\.status) == [.firing])
        try bench.report([stage("ingest", .received, 1000, at: bench.now), stage("deliver", .passed, 1000, at: bench.now)])
        bench.tick(after: 6 * minute)
        #expect(bench.state == .firing, "0.99 overall is not above 0.995 yet")
        try bench.report([stage("ingest", .received, 8000, at: bench.now), stage("deliver", .passed, 8000, at: bench.now)])
        bench.tick(after: 6 * minute)
        #expect(bench.sent.map(\.status) == [.firing, .resolved])
    }

    @Test func latencyPercentileOfAStageOrEndToEnd() throws {
        let stageRule = AlarmRule(name: "slow", kind: .latency(pipeline: "orders", stage: "process", percentile: 95, window: .fiveMinutes), condition: AlarmCondition(.above, 200))
        var bench = AlarmBench(stageRule)
        try bench.report([StageReport(pipeline: "orders", stage: "process", outcome: .passed, count: 100, latencySamplesMillis: Array(repeating: 50, count: 100))])
        bench.tick()
        #expect(bench.sent.isEmpty)
        try bench.report([StageReport(pipeline: "orders", stage: "process", outcome: .passed, count: 100, latencySamplesMillis: Array(repeating: 900, count: 100))])
        bench.tick()
        #expect(bench.sent.map(\.status) == [.firing])

        let endToEndRule = AlarmRule(name: "e2e", kind: .latency(pipeline: "orders", stage: nil, percentile: 99, window: .oneMinute), condition: AlarmCondition(.above, 1000))
        var endToEnd = AlarmBench(endToEndRule)
        try endToEnd.report([StageReport(pipeline: "orders", stage: "deliver", outcome: .passed, count: 10, endToEndMillis: 4000)])
        endToEnd.tick()
        #expect(endToEnd.sent.map(\.status) == [.firing])
        endToEnd.tick(after: 61 * second)
        #expect(endToEnd.sent.map(\.status) == [.firing, .resolved], "the samples left the 1m window")
    }

    @Test func stalledWhenAStageReceivesNothingWhileUpstreamPasses() throws {
        let rule = AlarmRule(name: "stuck", kind: .stalled(pipeline: "orders", stage: "process", windowSeconds: 60), condition: AlarmCondition(.above, 0))
        var bench = AlarmBench(rule)
        try bench.report([stage("ingest", .passed, 10), stage("process", .received, 10)])
        bench.tick()
        for _ in 0..<7 {
            try bench.report([stage("ingest", .passed, 10, at: bench.now), stage("process", .received, 10, at: bench.now)])
            bench.tick(after: 10 * second)
        }
        #expect(bench.sent.isEmpty, "both stages moving")
        for _ in 0..<7 {
            try bench.report([stage("ingest", .passed, 10, at: bench.now)])
            bench.tick(after: 10 * second)
        }
        #expect(bench.sent.map(\.status) == [.firing])
        #expect(bench.sent.first?.summary.contains("process received nothing for") == true)
    }

    @Test func aQuietPipelineIsNotStalled() throws {
        let rule = AlarmRule(name: "stuck", kind: .stalled(pipeline: "orders", stage: "process", windowSeconds: 60), condition: AlarmCondition(.above, 0))
        var bench = AlarmBench(rule)
        try bench.report([stage("ingest", .passed, 10), stage("process", .received, 10)])
        for _ in 0..<20 { bench.tick(after: 10 * second) }
        #expect(bench.sent.isEmpty)
    }

    @Test func restoredFiringAlarmDoesNotFireAgain() throws {
        var bench = AlarmBench(depthRule)
        try bench.depth(300)
        bench.tick()
        let tracker = try #require(bench.evaluator.trackers["orders-dlq"])
        var restarted = AlarmEvaluator(rules: [depthRule])
        restarted.restore(
            "orders-dlq", state: tracker.state, pendingSinceMillis: tracker.pendingSinceMillis, firingSinceMillis: tracker.firingSinceMillis,
            lastNotifiedMillis: tracker.lastNotifiedMillis, sequence: tracker.sequence, resolvedAtMillis: nil
        )
        #expect(restarted.evaluate(ledger: bench.ledger, nowMillis: bench.now + second).isEmpty)
        #expect(restarted.statuses().first?.state == .firing)
    }
}

/// Each alarm's description is about its own subject, with that subject's numbers.
@Suite struct AlarmDescriptionTests {
    static func description(_ kind: AlarmKind, _ condition: AlarmCondition, _ reports: [StageReport], depth: UInt64? = nil) throws -> String? {
        var bench = AlarmBench(AlarmRule(name: "a", kind: kind, condition: condition))
        try bench.report(reports)
        if let depth { try bench.depth(depth) }
        bench.tick(after: 6 * minute)
        bench.tick()
        return bench.sent.first?.annotations["description"]
    }

    /// The page about a DLQ caused by `deliver` names `deliver`, not `process`, which fails more.
    @Test func dlqAlarmNamesTheStageDeadLetteringIntoItsQueue() throws {
        let reports = [
            stage("process", .received, 1000), stage("process", .failed, 447), stage("process", .passed, 553),
            stage("deliver", .received, 553), stage("deliver", .deadLettered, 140), stage("deliver", .passed, 413),
        ]
        let text = try Self.description(.dlqDepth(pipeline: "orders", queue: "dlq"), AlarmCondition(.above, 100), reports, depth: 140)
        #expect(text == "deliver stage dead-letters into dlq: 140 dead-lettered (140 not redriven) of 553 received")
        let growth = try Self.description(.dlqGrowth(pipeline: "orders", stage: "deliver", windowSeconds: 60), AlarmCondition(.above, -1), reports)
        #expect(growth == "deliver stage: 140 dead-lettered (140 not redriven) of 553 received")
    }

    /// Two queues of one pipeline, each fed by its own stage: a rule naming its stage is described by that stage,
    /// though another dead-letters more, and carries it as the `stage` label.
    @Test func dlqAlarmNamingItsStageIsAboutThatStage() throws {
        let reports = [
            stage("process", .received, 1000), stage("process", .deadLettered, 20), stage("process", .passed, 980),
            stage("deliver", .received, 980), stage("deliver", .deadLettered, 140), stage("deliver", .passed, 840),
        ]
        let kind = AlarmKind.dlqDepth(pipeline: "orders", queue: "dlq", stage: "process")
        let text = try Self.description(kind, AlarmCondition(.above, 100), reports, depth: 140)
        #expect(text == "process stage dead-letters into dlq: 20 dead-lettered (20 not redriven) of 1000 received")
        #expect(kind.labels == ["pipeline": "orders", "kind": "dlq_depth", "queue": "dlq", "stage": "process"])
        #expect(AlarmKind.dlqDepth(pipeline: "orders", queue: "dlq").labels["stage"] == nil)
        let unnamed = try Self.description(.dlqDepth(pipeline: "orders", queue: "dlq"), AlarmCondition(.above, 100), reports, depth: 140)
        #expect(unnamed == "deliver stage dead-letters into dlq: 140 dead-lettered (140 not redriven) of 980 received")
    }

    @Test func lossAlarmsNameTheirStageOrHopWithItsSettledNumbers() throws {
        let reports = [
            stage("ingest", .received, 1000), stage("ingest", .passed, 1000), stage("process", .received, 950),
            stage("process", .passed, 900), stage("deliver", .received, 900), stage("deliver", .failed, 300), stage("deliver", .passed, 600),
        ]
        let silent = try Self.description(.silentLoss(pipeline: "orders", stage: "process", windowSeconds: 3600), AlarmCondition(.above, 0.01), reports)
        #expect(silent == "process stage: received 950, passed 900, failed 0, dead-lettered 0, silently lost 50 in the last settled 1h")
        let transit = try Self.description(.transitLoss(pipeline: "orders", from: "ingest", to: nil, windowSeconds: 3600), AlarmCondition(.above, 0.01), reports)
        #expect(transit == "ingest passed on 1000, process received 950: 50 lost in transit in the last settled 1h")
        let delivery = try Self.description(.deliveryRatio(pipeline: "orders", windowSeconds: 3600), AlarmCondition(.below, 0.99), reports)
        #expect(delivery == "orders: ingested 1000, delivered 600 in the last settled 1h; most missing at deliver: 300 failed, 0 dead-lettered, 0 silently lost")
    }
}

@Suite struct WebhookPayloadTests {
    let notification = AlarmNotification(
        alarm: "orders-dlq", status: .firing, labels: ["alertname": "orders-dlq", "pipeline": "orders"],
        annotations: ["summary": "orders-dlq depth 340", "runbook_url": "https://r/1"], startsAtMillis: t0, endsAtMillis: nil,
        fingerprint: "0123456789abcdef", value: 340, threshold: 100, summary: "orders-dlq depth 340", context: nil,
        receivers: ["x"], sequence: 0
    )

    @Test func genericIsAlertmanagerWebhookVersion4() throws {
        let body = WebhookPayload.render(notification, for: WebhookReceiver(name: "am", format: .generic, url: "http://x"), externalURL: "http://funnel:9470")
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.contains(#""version":"4""#))
        #expect(text.contains(#""startsAt":"2026-11-26T10:15:00Z""#))
        #expect(text.contains(#""endsAt":"0001-01-01T00:00:00Z""#))
        #expect(text.contains(#""generatorURL":"http://funnel:9470/api/v1/funnel?pipeline=orders""#))
        #expect(text.contains(#""groupLabels":{"alertname":"orders-dlq"}"#))
    }

    @Test func alertmanagerGetsAnArrayOfPostableAlertsLinkingToTheAlarm() throws {
        var firing = notification
        firing.endsAtMillis = t0 + 4 * minute
        let receiver = WebhookReceiver(name: "am", format: .alertmanager, url: "http://am:9093")
        let body = WebhookPayload.render(firing, for: receiver, externalURL: "http://funnel:9470")
        let alerts = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]])
        #expect(alerts.count == 1)
        #expect(Set(alerts[0].keys) == ["labels", "annotations", "startsAt", "endsAt", "generatorURL"])
        #expect(alerts[0]["endsAt"] as? String == "2026-11-26T10:19:00Z")
        #expect(alerts[0]["generatorURL"] as? String == "http://funnel:9470/api/v1/alarms?name=orders-dlq")
        #expect(WebhookPayload.alarmLink("a b&c", externalURL: "http://f") == "http://f/api/v1/alarms?name=a%20b%26c")
    }

    @Test func anAlertmanagerClusterIsALaneEachPostingToTheAlertsAPI() {
        let cluster = WebhookReceiver(name: "am", format: .alertmanager, urls: ["http://am-0:9093/", "http://am-1:9093/prefix"])
        #expect(cluster.deliveryLanes.map(\.name) == ["am/1", "am/2"])
        #expect(cluster.deliveryLanes.map(\.url) == ["http://am-0:9093/api/v2/alerts", "http://am-1:9093/prefix/api/v2/alerts"])
        let single = WebhookReceiver(name: "am", format: .alertmanager, url: "http://am:9093")
        #expect(single.deliveryLanes.map(\.name) == ["am"])
        #expect(single.deliveryLanes.map(\.url) == ["http://am:9093/api/v2/alerts"])
        let hook = WebhookReceiver(name: "chat", format: .slack, url: "https://hooks.slack.com/x")
        #expect(hook.deliveryLanes == [hook])
    }

    @Test func redactedURLHidesTokens() {
        #expect(WebhookReceiver(name: "s", format: .slack, url: "https://hooks.slack.com/services/T000/B000/XXXX").redactedURL == "https://hooks.slack.com/…")
    }
}
