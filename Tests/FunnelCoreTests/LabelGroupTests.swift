import FunnelCore
import SeededRandom
import Testing

/// 2026-11-26T10:15:00Z, the start of a one-minute bucket.
private let t0: Int64 = 1_795_688_100_000
private let minute: Int64 = 60_000
private let settledNow = t0 + 12 * minute

private let eventsPolicy = LedgerPolicy(
    pipelines: [PipelineDefinition(name: "events", stages: ["ingest", "enrich", "deliver"], labels: ["tenant", "version"])]
)

private func tenant(_ number: Int) -> String { "t" + String(1000 + number).dropFirst() }

/// Known losses: t123 loses 20 at enrich in buckets 0 and 2, t007 13 at enrich in bucket 1, t250 9 between enrich and
/// deliver in bucket 1. Everything else is delivered.
private func scenario(tenants: Int = 300) -> [StageReport] {
    var reports: [StageReport] = []
    for number in 0..<tenants {
        let labels = ["tenant": tenant(number), "version": number.isMultiple(of: 2) ? "2.4.0" : "2.4.1"]
        for bucket in 0..<3 {
            let time = t0 + Int64(bucket) * minute + 1000
            var enrichLost: UInt64 = 0
            var transitLost: UInt64 = 0
            if number == 123, bucket != 1 { enrichLost = 20 }
            if number == 7, bucket == 1 { enrichLost = 13 }
            if number == 250, bucket == 1 { transitLost = 9 }
            let counts: [(String, Outcome, UInt64)] = [
                ("ingest", .received, 100), ("ingest", .passed, 100),
                ("enrich", .received, 100), ("enrich", .passed, 100 - enrichLost),
                ("deliver", .received, 100 - enrichLost - transitLost), ("deliver", .passed, 100 - enrichLost - transitLost),
            ]
            for (stage, outcome, count) in counts {
                reports.append(StageReport(pipeline: "events", stage: stage, outcome: outcome, count: count, eventTimeMillis: time, labels: labels))
            }
        }
    }
    return reports
}

/// Ingests `reports` shuffled, in requests of random sizes.
private func ingestShuffled(_ ledger: inout FunnelLedger, _ reports: [StageReport], seed: UInt64, now: Int64 = t0 + 3 * minute) throws {
    var random = SeededGenerator(state: seed)
    var remaining = reports.shuffled(using: &random)
    while !remaining.isEmpty {
        let size = min(remaining.count, Int.random(in: 1...400, using: &random))
        try ledger.ingest(Array(remaining.prefix(size)), nowMillis: now)
        remaining.removeFirst(size)
    }
}

@Suite struct LabelGroupTests {
    @Test func eachTenantGetsItsOwnExactFunnelWorstLossFirst() throws {
        var ledger = FunnelLedger(policy: eventsPolicy)
        try ingestShuffled(&ledger, scenario(), seed: 20)
        ledger.settle(nowMillis: settledNow)
        let grouped = try ledger.groupedFunnel(pipeline: "events", by: "tenant")
        #expect(grouped.groupCount == 300)
        #expect(grouped.groups.prefix(3).map(\.value) == ["t123", "t007", "t250"])
        #expect(grouped.groups[0].stages.map(\.lost) == [0, 40, 0])
        #expect(grouped.groups[1].stages.map(\.lost) == [0, 13, 0])
        #expect(grouped.groups[2].stages.map(\.lost) == [0, 0, 0])
        #expect(grouped.groups[2].transit.map(\.lost) == [0, 9])
        #expect(grouped.groups[0].totals.lost == 40 && grouped.groups[1].totals.lost == 13 && grouped.groups[2].totals.lost == 9)
        #expect(grouped.groups.dropFirst(3).allSatisfy { $0.totals.lost == 0 && $0.totals.deliveryRatio == 1 })
        #expect(grouped.groups[0].totals.settledIngested == 300)
        #expect(grouped.groups[0].totals.settledDelivered == 260)

        // The pipeline's own funnel is the sum of its groups.
        let whole = try #require(ledger.funnel(pipeline: "events"))
        #expect(whole.totals.lost == 62)
        #expect(whole.stages.map(\.lost) == [0, 53, 0])
        #expect(whole.transit.map(\.lost) == [0, 9])
        #expect(whole.totals.settledIngested == 90_000)
        var summed = [UInt64](repeating: 0, count: 3)
        for group in grouped.groups { for (index, stage) in group.stages.enumerated() { summed[index] += stage.received } }
        #expect(summed == whole.stages.map(\.received))
    }

    @Test func theSameReportsInAnotherOrderGiveTheSameGroups() throws {
        var first = FunnelLedger(policy: eventsPolicy)
        var second = FunnelLedger(policy: eventsPolicy)
        try ingestShuffled(&first, scenario(tenants: 60), seed: 1)
        try ingestShuffled(&second, scenario(tenants: 60), seed: 2)
        first.settle(nowMillis: settledNow)
        second.settle(nowMillis: settledNow)
        let one = try first.groupedFunnel(pipeline: "events", by: "tenant", includeBuckets: true)
        let other = try second.groupedFunnel(pipeline: "events", by: "tenant", includeBuckets: true)
        #expect(one.groups.first?.value == "t007" && other.groups.first?.value == "t007")
        #expect(Dictionary(uniqueKeysWithValues: one.groups.map { ($0.value, $0) }) == Dictionary(uniqueKeysWithValues: other.groups.map { ($0.value, $0) }))
    }

    @Test func aLabelFilterRestrictsTheFunnelAndFiltersAreAnded() throws {
        var ledger = FunnelLedger(policy: eventsPolicy)
        try ingestShuffled(&ledger, scenario(), seed: 3)
        ledger.settle(nowMillis: settledNow)
        let acme = try ledger.funnel(pipeline: "events", labels: ["tenant": "t007"])
        #expect(acme.stages.map(\.lost) == [0, 13, 0])
        #expect(acme.labels == ["tenant": "t007"])
        #expect(acme.totals.settledIngested == 300)
        // t007 runs 2.4.1 (odd), so it is not among the 2.4.0 reports.
        let none = try ledger.funnel(pipeline: "events", labels: ["tenant": "t007", "version": "2.4.0"])
        #expect(none.totals.settledIngested == 0)
        let byVersion = try ledger.groupedFunnel(pipeline: "events", by: "version")
        #expect(byVersion.groups.map(\.value) == ["2.4.1", "2.4.0"])
        #expect(byVersion.groups.map(\.totals.lost) == [53, 9])
        let oddTenants = try ledger.groupedFunnel(pipeline: "events", by: "tenant", labels: ["version": "2.4.1"], limit: 2)
        #expect(oddTenants.groupCount == 150)
        #expect(oddTenants.groups.map(\.value) == ["t123", "t007"])
    }

    @Test func bucketDetailAndRangesWorkPerGroup() throws {
        var ledger = FunnelLedger(policy: eventsPolicy)
        try ingestShuffled(&ledger, scenario(tenants: 40), seed: 4)
        ledger.settle(nowMillis: settledNow)
        let grouped = try ledger.groupedFunnel(pipeline: "events", by: "tenant", includeBuckets: true, limit: 1)
        let buckets = try #require(grouped.groups.first?.buckets)
        #expect(grouped.groups.first?.value == "t007")
        #expect(buckets.map { $0.stages[1].lost } == [0, 13, 0])
        let middle = try ledger.groupedFunnel(pipeline: "events", by: "tenant", fromMillis: t0 + minute, toMillis: t0 + 2 * minute)
        #expect(middle.groups.first?.value == "t007")
        #expect(middle.groups.first?.totals.lost == 13)
        #expect(middle.groups.first?.totals.settledIngested == 100)
    }

    @Test func lossIsInFlightPerGroupUntilItsBucketsSettle() throws {
        var ledger = FunnelLedger(policy: eventsPolicy)
        try ingestShuffled(&ledger, scenario(tenants: 10), seed: 5)
        ledger.settle(nowMillis: t0 + 3 * minute)
        let early = try ledger.funnel(pipeline: "events", labels: ["tenant": "t007"])
        #expect(early.stages[1].lost == 0)
        #expect(early.stages[1].inFlight == 13)
    }

    @Test func reportsLeavingLabelsOutCountUnderTheEmptyValue() throws {
        var ledger = FunnelLedger(policy: eventsPolicy)
        try ledger.ingest(
            [
                StageReport(pipeline: "events", stage: "ingest", outcome: .received, count: 5, eventTimeMillis: t0),
                StageReport(pipeline: "events", stage: "ingest", outcome: .received, count: 7, eventTimeMillis: t0, labels: ["version": "2.4.1"]),
            ],
            nowMillis: t0
        )
        let grouped = try ledger.groupedFunnel(pipeline: "events", by: "tenant")
        #expect(grouped.groups.map(\.value) == [""])
        #expect(grouped.groups[0].stages[0].received == 12)
        let byVersion = try ledger.groupedFunnel(pipeline: "events", by: "version")
        #expect(byVersion.groups.map(\.value) == ["", "2.4.1"])
        #expect(byVersion.groups.map { $0.stages[0].received } == [5, 7])
    }

    // MARK: Refusals

    @Test func aLabelThePipelineDoesNotDeclareIsRefusedNamingIt() throws {
        let ledger = FunnelLedger(policy: eventsPolicy)
        let report = StageReport(pipeline: "events", stage: "ingest", outcome: .received, labels: ["tenant": "acme", "region": "eu"])
        #expect {
            try ledger.admit([report], nowMillis: t0)
        } throws: { error in
            let rejection = error as? ReportRejection
            return rejection?.reason == .unknownLabel && rejection?.field == "labels.region" && rejection?.description.contains("tenant, version") == true
        }
        let undeclared = StageReport(pipeline: "other", stage: "ingest", outcome: .received, labels: ["tenant": "acme"])
        #expect {
            try ledger.admit([undeclared], nowMillis: t0)
        } throws: { error in
            (error as? ReportRejection)?.reason == .unknownLabel && (error as? ReportRejection)?.field == "labels.tenant"
        }
    }

    @Test(arguments: ["bad\u{7}value", LabelSet.otherValue, String(repeating: "x", count: 129)])
    func anInvalidLabelValueIsRefusedNamingTheLabel(value: String) throws {
        let ledger = FunnelLedger(policy: eventsPolicy)
        let report = StageReport(pipeline: "events", stage: "ingest", outcome: .received, labels: ["tenant": value])
        #expect {
            try ledger.admit([report], nowMillis: t0)
        } throws: { error in
            (error as? ReportRejection)?.reason == .invalidValue && (error as? ReportRejection)?.field == "labels.tenant"
        }
    }

    @Test func aRefusedReportLeavesNoGroupOrValueBehind() throws {
        var ledger = FunnelLedger(policy: eventsPolicy)
        let good = StageReport(pipeline: "events", stage: "ingest", outcome: .received, count: 1, eventTimeMillis: t0, labels: ["tenant": "new"])
        let bad = StageReport(pipeline: "events", stage: "ingest", outcome: .received, count: 1, eventTimeMillis: t0, labels: ["region": "x"])
        #expect(throws: ReportRejection.self) { try ledger.ingest([good, bad], nowMillis: t0) }
        let grouped = try ledger.groupedFunnel(pipeline: "events", by: "tenant")
        #expect(grouped.groups.isEmpty)
    }

    // MARK: Cardinality guard

    @Test func theValuePastTheLimitCountsUnderOtherAndTheAggregateStaysExact() throws {
        var policy = eventsPolicy
        policy.maximumLabelValues = 5
        var ledger = FunnelLedger(policy: policy)
        var reports: [StageReport] = []
        for number in 0..<6 {
            reports.append(StageReport(pipeline: "events", stage: "ingest", outcome: .received, count: UInt64(10 + number), eventTimeMillis: t0, labels: ["tenant": tenant(number)]))
        }
        let batch = try ledger.ingest(reports, nowMillis: t0)
        #expect(batch.labelOverflows == [LabelNameKey(pipeline: "events", label: "tenant"): 15])
        // A value already counted is still counted as itself; a seventh one joins the sixth under __other__.
        try ledger.ingest(
            [
                StageReport(pipeline: "events", stage: "ingest", outcome: .received, count: 100, eventTimeMillis: t0, labels: ["tenant": tenant(0)]),
                StageReport(pipeline: "events", stage: "ingest", outcome: .received, count: 1000, eventTimeMillis: t0, labels: ["tenant": "late-comer"]),
            ],
            nowMillis: t0
        )
        let grouped = try ledger.groupedFunnel(pipeline: "events", by: "tenant")
        #expect(grouped.groups.map(\.value) == ["t000", "t001", "t002", "t003", "t004", LabelSet.otherValue])
        #expect(grouped.groups.map { $0.stages[0].received } == [110, 11, 12, 13, 14, 1015])
        #expect(ledger.funnel(pipeline: "events")?.stages[0].received == 1175)
        let pipeline = try #require(ledger.pipeline(named: "events"))
        #expect(pipeline.labels.overflowEvents(label: 0) == 1015)
        #expect(pipeline.labels.overflowEvents(label: 1) == 0)
    }

    @Test func pendingBatchesCountAgainstTheGuard() throws {
        var policy = eventsPolicy
        policy.maximumLabelValues = 1
        let ledger = FunnelLedger(policy: policy)
        let first = try ledger.admit(
            IngestEntries(stageReports: [StageReport(pipeline: "events", stage: "ingest", outcome: .received, eventTimeMillis: t0, labels: ["tenant": "a"])]),
            policy: .allOrNothing, nowMillis: t0
        ).batch
        var pending = PendingAdmissions()
        pending.hold(first)
        let second = try ledger.admit(
            IngestEntries(stageReports: [StageReport(pipeline: "events", stage: "ingest", outcome: .received, eventTimeMillis: t0, labels: ["tenant": "b"])]),
            policy: .allOrNothing, pending: pending, nowMillis: t0
        ).batch
        #expect(second.labelCounts.keys.map(\.labels.values) == [[LabelSet.otherValue, ""]])
        let again = try ledger.admit(
            IngestEntries(stageReports: [StageReport(pipeline: "events", stage: "ingest", outcome: .received, eventTimeMillis: t0, labels: ["tenant": "a"])]),
            policy: .allOrNothing, pending: pending, nowMillis: t0
        ).batch
        #expect(again.labelCounts.keys.map(\.labels.values) == [["a", ""]])
    }

    @Test func aNewSetPastTheSetLimitCountsWithEveryValueAsOther() throws {
        var policy = eventsPolicy
        policy.maximumLabelSets = 2
        var ledger = FunnelLedger(policy: policy)
        for (tenant, version) in [("a", "1"), ("a", "2"), ("b", "1")] {
            try ledger.ingest(
                [StageReport(pipeline: "events", stage: "ingest", outcome: .received, count: 3, eventTimeMillis: t0, labels: ["tenant": tenant, "version": version])],
                nowMillis: t0
            )
        }
        let pipeline = try #require(ledger.pipeline(named: "events"))
        #expect(pipeline.labels.order.map(\.values) == [["a", "1"], ["a", "2"], [LabelSet.otherValue, LabelSet.otherValue]])
        #expect(pipeline.labels.overflowEvents(label: 0) == 3)
        #expect(ledger.funnel(pipeline: "events")?.stages[0].received == 9)
    }

    // MARK: Queries that cannot be answered

    @Test func queriesNamingUnknownLabelsOrPipelinesSayWhich() throws {
        let ledger = FunnelLedger(policy: eventsPolicy)
        #expect(throws: LabelQueryError.unknownLabel(parameter: "by", label: "region", pipeline: "events", declared: ["tenant", "version"])) {
            try ledger.groupedFunnel(pipeline: "events", by: "region")
        }
        #expect(throws: LabelQueryError.unknownPipeline("nope")) { try ledger.groupedFunnel(pipeline: "nope", by: "tenant") }
        #expect(throws: LabelQueryError.malformedFilter("tenant")) { try FunnelLedger.labelFilter(["tenant"]) }
        #expect(try FunnelLedger.labelFilter(["tenant:acme:eu", "version:"]) == ["tenant": "acme:eu", "version": ""])
    }

    // MARK: Storage form

    @Test func aStoredSetSurvivesAChangeToTheDeclaredLabels() throws {
        let stored = LabelSet(["acme", "2.4.1"]).encoded(names: ["tenant", "version"])
        #expect(LabelSet(encoded: stored, names: ["version", "region", "tenant"]) == LabelSet(["2.4.1", "", "acme"]))
        #expect(LabelSet(encoded: stored, names: ["tenant"]) == LabelSet(["acme"]))
        #expect(LabelSet(encoded: "", names: ["tenant"]) == LabelSet([""]))
        #expect(LabelSet(encoded: "garbage", names: ["tenant"]) == nil)
    }
}
