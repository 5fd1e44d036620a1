public import FunnelCore

extension StatsDCounters: MetricsSource {
    /// Writes the StatsD listener's line counters, kernel drops and receive buffer size.
    public func emit(into writer: inout ExpositionWriter) {
        writer.family("funnel_statsd_lines", .counter, help: "StatsD lines received, by result: accepted or the reason they were not counted.")
        writer.sample(ExpositionWriter.labels(["result": "accepted"]), self.acceptedLines)
        if let forwarded = self.forwardedLines {
            writer.sample(ExpositionWriter.labels(["result": "forwarded"]), forwarded)
        }
        for reason in StatsDLineRejection.Reason.allCases {
            writer.sample(ExpositionWriter.labels(["result": reason.rawValue]), self.rejectedLines[reason] ?? 0)
        }
        if self.forwardedLines != nil {
            writer.family(
                "funnel_statsd_forward_failures", .counter, help: "Unmatched StatsD lines that could not be relayed to statsd.forward_unmatched."
            )
            writer.sample(self.forwardFailedLines)
        }
        if let drops = self.kernelDrops {
            writer.family("funnel_statsd_kernel_drops", .counter, help: "StatsD datagrams the kernel dropped because the socket's receive buffer was full.")
            writer.sample(drops)
        }
        if let bytes = self.receiveBufferBytes {
            writer.family("funnel_statsd_receive_buffer_bytes", .gauge, help: "Receive buffer of the StatsD UDP socket, as the kernel granted it.")
            writer.sample(UInt64(max(0, bytes)))
        }
    }
}
