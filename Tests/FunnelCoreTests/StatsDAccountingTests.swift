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

@Suite struct StatsDAccountingTests {
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

    @Test func exposesStatsDCounters() {
        var statsd = StatsDCounters()
        statsd.acceptedLines = 7
        statsd.reject(.malformed, count: 2)
        statsd.reject(.unmapped)
        statsd.kernelDrops = 5
        statsd.receiveBufferBytes = 425_984
        let text = String(
            decoding: FunnelExposition.render(ledger: FunnelLedger(), counters: IngestCounters(), version: "1", format: .prometheusText, statsd: statsd),
            as: UTF8.self
        )
        #expect(text.contains("""
            # HELP funnel_statsd_lines_total StatsD lines received, by result: accepted or the reason they were not counted.
            # TYPE funnel_statsd_lines_total counter
            funnel_statsd_lines_total{result="accepted"} 7
            funnel_statsd_lines_total{result="malformed"} 2
            funnel_statsd_lines_total{result="unknown_type"} 0
            """))
        #expect(text.contains("funnel_statsd_lines_total{result=\"unmapped\"} 1\n"))
        #expect(text.contains("""
            # HELP funnel_statsd_kernel_drops_total StatsD datagrams the kernel dropped because the socket's receive buffer was full.
            # TYPE funnel_statsd_kernel_drops_total counter
            funnel_statsd_kernel_drops_total 5
            # HELP funnel_statsd_receive_buffer_bytes Receive buffer of the StatsD UDP socket, as the kernel granted it.
            # TYPE funnel_statsd_receive_buffer_bytes gauge
            funnel_statsd_receive_buffer_bytes 425984

            """))
        for reason in StatsDLineRejection.Reason.allCases {
            #expect(text.contains("funnel_statsd_lines_total{result=\"\(reason.rawValue)\"} "))
        }
    }

    @Test func leavesStatsDFamiliesOutWithoutAListener() {
        let text = String(
            decoding: FunnelExposition.render(ledger: FunnelLedger(), counters: IngestCounters(), version: "1", format: .prometheusText),
            as: UTF8.self
        )
        #expect(!text.contains("funnel_statsd"))
    }
}
