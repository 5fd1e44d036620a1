public import FunnelCore

extension OTLPCounters: MetricsSource {
    /// Writes the data points and requests of the OTLP receiver.
    public func emit(into writer: inout ExpositionWriter) {
        writer.family("funnel_otlp_data_points", .counter, help: "OTLP metric data points received, by result: accepted, ignored (not a Funnel metric) or rejected.")
        writer.sample(ExpositionWriter.labels(["result": "accepted"]), self.acceptedPoints)
        writer.sample(ExpositionWriter.labels(["result": "ignored"]), self.ignoredPoints)
        writer.sample(ExpositionWriter.labels(["result": "rejected"]), self.rejectedPoints)
        writer.family("funnel_otlp_requests", .counter, help: "OTLP/HTTP metrics export requests answered, by result.")
        for result in RequestResult.allCases {
            writer.sample(ExpositionWriter.labels(["result": result.rawValue]), self.requests[result] ?? 0)
        }
    }
}

extension OTLPReceiver: MetricsSource {
    /// Writes the receiver's counters.
    public func emit(into writer: inout ExpositionWriter) {
        self.statistics.emit(into: &writer)
    }
}
