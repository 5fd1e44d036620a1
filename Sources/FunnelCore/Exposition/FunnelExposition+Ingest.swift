// MARK: Dead-letter queues and the StatsD listener

extension FunnelExposition {
    /// Writes `funnel_dlq_depth` and `funnel_dlq_depth_age_seconds` for every known queue.
    static func renderDLQ(_ writer: inout ExpositionWriter, _ gauges: DLQGauges, nowMillis: Int64) {
        let queues = gauges.sorted
        let labels = queues.map { ExpositionWriter.labels(["pipeline": $0.key.pipeline, "queue": $0.key.queue]) }
        writer.family("funnel_dlq_depth", .gauge, help: "Messages waiting in a pipeline's dead-letter queue, as last reported.")
        for (index, queue) in queues.enumerated() {
            writer.sample(labels[index], queue.gauge.depth)
        }
        writer.family("funnel_dlq_depth_age_seconds", .gauge, help: "Seconds since the dead-letter queue depth was last reported.")
        for (index, queue) in queues.enumerated() {
            writer.sample(labels[index], Double(max(0, nowMillis - queue.gauge.updatedMillis)) / 1000)
        }
    }

    /// Writes the StatsD listener's line counters, kernel drops and receive buffer size.
    static func renderStatsD(_ writer: inout ExpositionWriter, _ counters: StatsDCounters) {
        writer.family("funnel_statsd_lines", .counter, help: "StatsD lines received, by result: accepted or the reason they were not counted.")
        writer.sample(ExpositionWriter.labels(["result": "accepted"]), counters.acceptedLines)
        for reason in StatsDLineRejection.Reason.allCases {
            writer.sample(ExpositionWriter.labels(["result": reason.rawValue]), counters.rejectedLines[reason] ?? 0)
        }
        if let drops = counters.kernelDrops {
            writer.family("funnel_statsd_kernel_drops", .counter, help: "StatsD datagrams the kernel dropped because the socket's receive buffer was full.")
            writer.sample(drops)
        }
        if let bytes = counters.receiveBufferBytes {
            writer.family("funnel_statsd_receive_buffer_bytes", .gauge, help: "Receive buffer of the StatsD UDP socket, as the kernel granted it.")
            writer.sample(UInt64(max(0, bytes)))
        }
    }
}
