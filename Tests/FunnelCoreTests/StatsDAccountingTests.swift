import FunnelCore
import Testing

/// 2026-11-26T10:15:00Z, the start of a one-minute bucket.
private let t0: Int64 = 1_795_688_100_000

@Suite struct StatsDAccountingTests {
    @Test func latencyObservationsRecordLatencyWithoutCounts() throws {
        var ledger = FunnelLedger()
        let batch = try ledger.admit(
            [StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 3, eventTimeMillis: t0)],
            latencies: [
                LatencyObservation(pipeline: "orders", stage: "process", eventTimeMillis: t0, millis: 10, weight: 4),
                LatencyObservation(pipeline: "orders", stage: "process", eventTimeMillis: t0 + 1000, millis: 30),
            ],
            nowMillis: t0
        )
        #expect(batch.counts.count == 1)
        #expect(batch.eventCount == 3)
        #expect(batch.newStages.count == 2)
        ledger.apply(batch, nowMillis: t0)
        let funnel = try #require(ledger.funnel(pipeline: "orders"))
        #expect(funnel.stages.map(\.name) == ["ingest", "process"])
        let process = funnel.stages[1]
        #expect([process.received, process.passed, process.failed, process.deadLettered] == [0, 0, 0, 0])
        #expect(process.latencyMs.count == 5)
        #expect(process.latencyMs.max == 30)
        #expect(process.latencyMs.mean == 14)
    }

    @Test func aRefusedLatencyIsNamedAfterTheReports() {
        var ledger = FunnelLedger()
        let old = t0 - 100 * 3600 * 1000
        do {
            _ = try ledger.admit(
                [StageReport(pipeline: "orders", stage: "ingest", outcome: .received)],
                latencies: [
                    LatencyObservation(pipeline: "orders", stage: "process", millis: 1),
                    LatencyObservation(pipeline: "orders", stage: "process", eventTimeMillis: old, millis: 1),
                ],
                nowMillis: t0
            )
            Issue.record("a latency older than the retention was admitted")
        } catch {
            #expect(error.reason == .eventTimeOutOfRange)
            #expect(error.index == 2, "reports come first: 1 report, then latencies[1]")
        }
        do {
            _ = try ledger.admit([], latencies: [LatencyObservation(pipeline: "o", stage: "s", eventTimeMillis: old, millis: 1)], nowMillis: t0)
            Issue.record("a latency older than the retention was admitted")
        } catch {
            #expect(error.reason == .eventTimeOutOfRange)
            #expect(error.index == 0)
        }
        #expect(ledger.pipelineNames.isEmpty)
    }

    @Test func dlqGaugesKeepTheLatestDepthAndApplyDeltas() {
        var gauges = DLQGauges(maximumQueues: 2)
        let first = gauges.record(DLQDepthReading(pipeline: "o", queue: "q", depth: 42), nowMillis: t0)
        let stale = gauges.record(DLQDepthReading(pipeline: "o", queue: "q", depth: 7, observedAtMillis: t0 - 5000), nowMillis: t0 + 1000)
        #expect(first && stale)
        #expect(gauges.queues[QueueKey(pipeline: "o", queue: "q")] == DLQGauge(depth: 42, updatedMillis: t0), "an older reading does not replace a newer one")
        gauges.record(DLQDepthReading(pipeline: "o", queue: "q", depth: -50, isDelta: true), nowMillis: t0 + 2000)
        #expect(gauges.queues[QueueKey(pipeline: "o", queue: "q")] == DLQGauge(depth: 0, updatedMillis: t0 + 2000), "a delta never goes below zero")
        gauges.record(DLQDepthReading(pipeline: "o", queue: "q", depth: 3, isDelta: true), nowMillis: t0 + 3000)
        gauges.record(DLQDepthReading(pipeline: "o", queue: "q", depth: 9, observedAtMillis: t0 + 99_000), nowMillis: t0 + 4000)
        #expect(gauges.queues[QueueKey(pipeline: "o", queue: "q")] == DLQGauge(depth: 9, updatedMillis: t0 + 4000), "a future observation counts as now")
        let second = gauges.record(DLQDepthReading(pipeline: "o", queue: "r", depth: 1), nowMillis: t0)
        let third = gauges.record(DLQDepthReading(pipeline: "o", queue: "s", depth: 1), nowMillis: t0)
        #expect(second)
        #expect(!third, "beyond the limit of 2 queues")
        #expect(gauges.sorted.map(\.key.queue) == ["q", "r"])
    }

    @Test func exposesDLQDepthAndStatsDCounters() {
        var gauges = DLQGauges()
        gauges.record(DLQDepthReading(pipeline: "orders", queue: "orders-dlq", depth: 42), nowMillis: t0)
        var statsd = StatsDCounters()
        statsd.acceptedLines = 7
        statsd.reject(.malformed, count: 2)
        statsd.reject(.unmapped)
        statsd.kernelDrops = 5
        statsd.receiveBufferBytes = 425_984
        let text = String(
            decoding: FunnelExposition.render(
                ledger: FunnelLedger(), counters: IngestCounters(), version: "1", format: .prometheusText,
                dlqGauges: gauges, statsd: statsd, nowMillis: t0 + 2500
            ),
            as: UTF8.self
        )
        #expect(text.contains("""
            # HELP funnel_dlq_depth Messages waiting in a pipeline's dead-letter queue, as last reported.
            # TYPE funnel_dlq_depth gauge
            funnel_dlq_depth{pipeline="orders",queue="orders-dlq"} 42
            # HELP funnel_dlq_depth_age_seconds Seconds since the dead-letter queue depth was last reported.
            # TYPE funnel_dlq_depth_age_seconds gauge
            funnel_dlq_depth_age_seconds{pipeline="orders",queue="orders-dlq"} 2.5
            # HELP funnel_statsd_lines_total StatsD lines received, by result: accepted or the reason they were not counted.
            # TYPE funnel_statsd_lines_total counter
            funnel_statsd_lines_total{result="accepted"} 7
            funnel_statsd_lines_total{result="malformed"} 2
            funnel_statsd_lines_total{result="unknown_type"} 0
            """))
        #expect(text.contains("funnel_statsd_lines_total{result=\"unmapped\"} 1\n"))
        #expect(text.contains("""
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
        #expect(text.contains("# TYPE funnel_dlq_depth gauge\n"))
    }
}
