import FunnelCore
import Testing

/// 2026-11-26T10:15:00Z, the start of a one-minute bucket.
private let t0: Int64 = 1_795_688_100_000
private let second: Int64 = 1000
private let minute: Int64 = 60_000

private let stages = ["ingest", "enrich", "deliver"]
private let policy = LedgerPolicy(pipelines: [PipelineDefinition(name: "orders", stages: stages)])

private func report(_ stage: String, _ outcome: Outcome, _ count: UInt64, at millis: Int64 = t0) -> StageReport {
    StageReport(pipeline: "orders", stage: stage, outcome: outcome, count: count, eventTimeMillis: millis)
}

private func watermark(_ stage: String, _ reporter: String, _ millis: Int64) -> WatermarkReport {
    WatermarkReport(pipeline: "orders", stage: stage, reporter: reporter, watermarkMillis: millis)
}

private func ingest(_ ledger: inout FunnelLedger, reports: [StageReport] = [], watermarks: [WatermarkReport] = [], now: Int64) throws(ReportRejection) {
    var entries = IngestEntries(stageReports: reports)
    entries.watermarks = watermarks
    try ledger.ingest(entries, nowMillis: now)
}

/// One bucket of traffic in which `enrich` loses 7 of 1,000 events.
private let traffic = [
    report("ingest", .received, 1000), report("ingest", .passed, 1000),
    report("enrich", .received, 1000), report("enrich", .passed, 993),
    report("deliver", .received, 993), report("deliver", .passed, 993),
]

@Suite struct WatermarkSettlingTests {
    @Test func aBucketSettlesTheMomentTheLastReporterOfTheLastStagePassesItsEnd() throws {
        var ledger = FunnelLedger(policy: policy)
        let now = t0 + minute + 2 * second
        try ingest(&ledger, reports: traffic, now: now)
        // Five of the six reporters (two per stage) are past the bucket's end; deliver-b is not.
        try ingest(&ledger, watermarks: [
            watermark("ingest", "ingest-a", t0 + minute), watermark("ingest", "ingest-b", t0 + minute + second),
            watermark("enrich", "enrich-a", t0 + minute), watermark("enrich", "enrich-b", t0 + minute),
            watermark("deliver", "deliver-a", t0 + minute), watermark("deliver", "deliver-b", t0 + minute - 1),
        ], now: now)
        var funnel = try #require(ledger.funnel(pipeline: "orders", includeBuckets: true))
        #expect(funnel.stages.map(\.lost) == [0, 0, 0])
        #expect(funnel.stages[1].inFlight == 7, "still in flight: deliver-b has not reported everything before 10:16")
        #expect(funnel.buckets?.first?.settled == false)
        #expect(funnel.stages.map(\.watermark) == ["2026-11-26T10:16:00Z", "2026-11-26T10:16:00Z", "2026-11-26T10:15:59.999Z"])

        try ingest(&ledger, watermarks: [watermark("deliver", "deliver-b", t0 + minute)], now: now + 500)
        funnel = try #require(ledger.funnel(pipeline: "orders", includeBuckets: true))
        #expect(funnel.stages.map(\.lost) == [0, 7, 0], "settled at once, 2.5 s after the bucket ended, not 5 minutes later")
        #expect(funnel.stages[1].inFlight == 0)
        #expect(funnel.buckets?.first?.settled == true)
        #expect(funnel.buckets?.first?.settledBy == "watermark")
        #expect(funnel.totals.deliveryRatio == 0.993)
        #expect(funnel.stages[2].watermarkLagSeconds == 2.5)
    }

    @Test func aPipelineWithoutWatermarksStillWaitsForTheGrace() throws {
        var ledger = FunnelLedger(policy: policy)
        try ingest(&ledger, reports: traffic, watermarks: [
            watermark("ingest", "ingest-a", t0 + 2 * minute), watermark("enrich", "enrich-a", t0 + 2 * minute),
        ], now: t0 + minute + second)
        ledger.settle(nowMillis: t0 + 5 * minute)
        #expect(ledger.funnel(pipeline: "orders")?.stages[1].lost == 0, "deliver has never sent a watermark")
        ledger.settle(nowMillis: t0 + 6 * minute)
        let funnel = try #require(ledger.funnel(pipeline: "orders", includeBuckets: true))
        #expect(funnel.stages[1].lost == 7)
        #expect(funnel.buckets?.first?.settledBy == "grace")

        var plain = FunnelLedger(policy: policy)
        try ingest(&plain, reports: traffic, now: t0)
        plain.settle(nowMillis: t0 + 6 * minute - 1)
        #expect(plain.funnel(pipeline: "orders")?.stages[1].inFlight == 7)
        plain.settle(nowMillis: t0 + 6 * minute)
        #expect(plain.funnel(pipeline: "orders")?.stages[1].lost == 7)
    }

    @Test func aReporterNotHeardFromStopsHoldingItsStageBack() throws {
        var ledger = FunnelLedger(policy: policy)
        let now = t0 + minute + second
        try ingest(&ledger, reports: traffic, watermarks: stages.map { watermark($0, "\($0)-a", t0 + minute) } + [watermark("enrich", "enrich-stuck", t0)], now: now)
        #expect(ledger.funnel(pipeline: "orders")?.stages[1].lost == 0, "enrich-stuck holds the bucket")
        // Two minutes (the default reporter_timeout) without a word from enrich-stuck; the others keep sending.
        let later = now + 2 * minute + second
        try ingest(&ledger, watermarks: stages.map { watermark($0, "\($0)-a", t0 + 3 * minute) }, now: later)
        let funnel = try #require(ledger.funnel(pipeline: "orders", includeBuckets: true))
        #expect(funnel.stages[1].lost == 7)
        #expect(funnel.buckets?.first?.settledBy == "watermark", "settled before its grace (10:21) was over")
        #expect(ledger.stageWatermark(pipeline: "orders", stage: "enrich", nowMillis: later) == t0 + 3 * minute)
    }

    @Test func aWatermarkOnlyMovesForward() throws {
        var ledger = FunnelLedger(policy: policy)
        try ingest(&ledger, watermarks: [watermark("ingest", "a", t0 + minute)], now: t0 + minute)
        try ingest(&ledger, watermarks: [watermark("ingest", "a", t0)], now: t0 + minute + second)
        #expect(ledger.stageWatermark(pipeline: "orders", stage: "ingest", nowMillis: t0 + minute + second) == t0 + minute)
        #expect(ledger.watermarkReading(ReporterKey(pipeline: "orders", stage: "ingest", reporter: "a"))?.lastSeenMillis == t0 + minute + second)
    }

    @Test func aReportForAWatermarkSettledBucketIsALateEventAndAViolation() throws {
        var ledger = FunnelLedger(policy: policy)
        let now = t0 + minute + second
        try ingest(&ledger, reports: traffic, watermarks: stages.map { watermark($0, "\($0)-a", t0 + minute) }, now: now)
        #expect(ledger.funnel(pipeline: "orders")?.stages[1].lost == 7)
        try ingest(&ledger, reports: [report("enrich", .passed, 5)], now: now + second)
        let funnel = try #require(ledger.funnel(pipeline: "orders"))
        #expect(funnel.stages[1].lost == 2, "settling stays final: the late count is applied so the record is true")
        #expect(funnel.stages[1].lateEvents == 5)
        #expect(funnel.stages[1].watermarkViolations == 5)
        #expect(funnel.stages[0].watermarkViolations == 0)

        // A report late past the grace too is late but no violation: the watermark did not settle it early.
        try ingest(&ledger, reports: [report("enrich", .passed, 1, at: t0 - 10 * minute)], now: now + 2 * second)
        #expect(ledger.funnel(pipeline: "orders")?.stages[1].watermarkViolations == 5)
        #expect(ledger.funnel(pipeline: "orders")?.stages[1].lateEvents == 6)
    }

    @Test func watermarksTooFarAheadAndTooManyReportersAreRefused() throws {
        var ledger = FunnelLedger(policy: policy)
        #expect(throws: ReportRejection.self) {
            try ingest(&ledger, watermarks: [watermark("ingest", "a", t0 + 2 * 3600 * 1000)], now: t0)
        }
        var small = policy
        small.maximumReporters = 2
        var limited = FunnelLedger(policy: small)
        try ingest(&limited, watermarks: [watermark("ingest", "a", t0), watermark("ingest", "b", t0)], now: t0)
        do {
            try ingest(&limited, watermarks: [watermark("ingest", "a", t0 + 1), watermark("enrich", "c", t0)], now: t0)
            Issue.record("a third reporter was taken past a limit of 2")
        } catch {
            #expect(error.reason == .tooManyReporters)
            #expect(error.index == 1)
            #expect(error.field == "reporter")
        }
        #expect(limited.reporterCount == 2)
        #expect(limited.watermarkReading(ReporterKey(pipeline: "orders", stage: "ingest", reporter: "a"))?.watermarkMillis == t0, "all or nothing")
    }

    @Test func theBodyParserReadsWatermarksBesideReports() throws {
        let body = try ReportBodyParser().parse(#"""
            [{"pipeline":"orders","stage":"ingest","outcome":"received","count":3},
             {"pipeline":"orders","stage":"ingest","reporter":"ingest-7f9c","watermark":"2026-11-26T10:16:00Z"},
             {"pipeline":"orders","stage":"deliver","reporter":"d-1","watermark":1795688160}]
            """#)
        #expect(body.stageReports.count == 1)
        #expect(try ReportBodyParser().parse(#"{"pipeline":"orders","stage":"ingest","reporter":"r-1","outcome":"passed"}"#).stageReports.first?.reporter == "r-1")
        #expect(throws: ReportRejection.self) { try ReportBodyParser().parse(#"{"pipeline":"orders","queue":"q","depth":1,"reporter":"r"}"#) }
        #expect(body.watermarks == [
            WatermarkReport(pipeline: "orders", stage: "ingest", reporter: "ingest-7f9c", watermarkMillis: t0 + minute),
            WatermarkReport(pipeline: "orders", stage: "deliver", reporter: "d-1", watermarkMillis: t0 + minute),
        ])
        for (text, field) in [
            (#"{"pipeline":"orders","stage":"ingest","watermark":"2026-11-26T10:16:00Z"}"#, "reporter"),
            (#"{"pipeline":"orders","stage":"ingest","reporter":"a"}"#, "watermark"),
            (#"{"pipeline":"orders","reporter":"a","watermark":1795688160}"#, "stage"),
            (#"{"pipeline":"orders","stage":"ingest","reporter":"a","watermark":1795688160,"count":2}"#, "count"),
            (#"{"pipeline":"orders","stage":"ingest","reporter":"a","watermark":null}"#, "watermark"),
            (#"{"pipeline":"orders","stage":"ingest","reporter":"a b","watermark":1795688160}"#, "reporter"),
        ] {
            #expect(throws: ReportRejection.self) { try ReportBodyParser().parse(text) }
            do { _ = try ReportBodyParser().parse(text) } catch { #expect(error.field == field, "\(text)") }
        }
    }

    @Test func theWatermarkLagAlarmFiresWhenAStageWatermarkStopsMoving() throws {
        var ledger = FunnelLedger(policy: policy)
        var evaluator = AlarmEvaluator(rules: [
            AlarmRule(name: "enrich-lag", kind: .watermarkLag(pipeline: "orders", stage: "enrich"), condition: AlarmCondition(.above, 30))
        ])
        var now = t0
        for step in 0..<40 {
            now = t0 + Int64(step) * second
            // ingest keeps moving; enrich stops at 10:15:05.
            try ingest(&ledger, watermarks: [watermark("ingest", "i", now - second), watermark("enrich", "e", min(now, t0 + 5 * second) - second)], now: now)
            _ = evaluator.evaluate(ledger: ledger, nowMillis: now)
        }
        let status = try #require(evaluator.statuses().first)
        #expect(status.state == .firing)
        #expect(status.value == 35, "10:15:39 less enrich's 10:15:04")
        #expect(status.summary == "enrich-lag: enrich watermark 35s behind (threshold 30s)")
        #expect(AlarmKind.watermarkLag(pipeline: "orders", stage: "enrich").labels == ["pipeline": "orders", "kind": "watermark_lag", "stage": "enrich"])
    }
}
