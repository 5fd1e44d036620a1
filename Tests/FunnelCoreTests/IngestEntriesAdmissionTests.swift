import FunnelCore
import Testing

/// 2026-11-26T10:15:00Z, the start of a one-minute bucket.
private let t0: Int64 = 1_795_688_100_000

/// Stage reports, latency observations (one entry each) and DLQ depths as one ingest.
private func entries(reports: [StageReport], latencies: [LatencyObservation], depths: [QueueDepthReport] = []) -> IngestEntries {
    IngestEntries(
        stageReports: reports, latencies: latencies.map { StageLatency($0, bucketsSeconds: LatencyHistogram.defaultBounds) }, queueDepths: depths
    )
}

@Suite struct IngestEntriesAdmissionTests {
    @Test func latencyObservationsRecordLatencyWithoutCounts() throws {
        var ledger = FunnelLedger()
        let batch = try ledger.admit(
            entries(
                reports: [StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 3, eventTimeMillis: t0)],
                latencies: [
                    LatencyObservation(pipeline: "orders", stage: "process", eventTimeMillis: t0, millis: 10, weight: 4),
                    LatencyObservation(pipeline: "orders", stage: "process", eventTimeMillis: t0 + 1000, millis: 30),
                ]
            ),
            policy: .allOrNothing, nowMillis: t0
        ).batch
        #expect(batch.counts.count == 1, "the latencies count no events and write no counters")
        #expect(batch.lateEvents.isEmpty)
        #expect(batch.eventCount == 3)
        #expect(batch.newStages.count == 2)
        ledger.apply(batch, nowMillis: t0)
        let funnel = try #require(ledger.funnel(pipeline: "orders"))
        #expect(funnel.stages.map(\.name) == ["ingest", "process"])
        let process = funnel.stages[1]
        #expect([process.received, process.passed, process.failed, process.deadLettered] == [0, 0, 0, 0])
        #expect(process.latencyMs.count == 5)
        #expect(process.latencyMs.max == 30)
        #expect(abs((process.latencyMs.mean ?? 0) - 14) < 1e-9)
    }

    @Test func aRefusedEntryIsNamedReportsFirstThenLatenciesThenDepths() {
        let ledger = FunnelLedger(policy: LedgerPolicy(maximumQueues: 1))
        let old = t0 - 100 * 3600 * 1000
        let report = StageReport(pipeline: "orders", stage: "ingest", outcome: .received)
        do {
            _ = try ledger.admit(
                entries(
                    reports: [report],
                    latencies: [
                        LatencyObservation(pipeline: "orders", stage: "process", millis: 1),
                        LatencyObservation(pipeline: "orders", stage: "process", eventTimeMillis: old, millis: 1),
                    ]
                ),
                policy: .allOrNothing, nowMillis: t0
            )
            Issue.record("a latency older than the retention was admitted")
        } catch {
            #expect(error.reason == .eventTimeOutOfRange)
            #expect(error.index == 2, "1 report, then latencies[1]")
        }
        do {
            _ = try ledger.admit(
                entries(
                    reports: [report],
                    latencies: [LatencyObservation(pipeline: "orders", stage: "process", millis: 1)],
                    depths: [QueueDepthReport(pipeline: "orders", queue: "a", depth: 1), QueueDepthReport(pipeline: "orders", queue: "b", depth: 1)]
                ),
                policy: .allOrNothing, nowMillis: t0
            )
            Issue.record("a second queue was admitted beyond the limit of one")
        } catch {
            #expect(error.reason == .tooManyQueues)
            #expect(error.index == 3, "1 report, 1 latency, then depths[1]")
        }
        #expect(ledger.pipelineNames.isEmpty, "nothing changed")
    }
}
