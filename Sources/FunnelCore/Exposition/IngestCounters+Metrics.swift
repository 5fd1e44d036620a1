extension IngestCounters: MetricsSource {
    /// Writes the reports accepted and the report requests answered, by result and by rejection reason.
    public func emit(into writer: inout ExpositionWriter) {
        writer.family("funnel_ingest_reports", .counter, help: "Stage reports accepted.")
        writer.sample(self.acceptedReports)
        writer.family("funnel_ingest_requests", .counter, help: "Report requests answered, by result.")
        writer.sample(ExpositionWriter.labels(["result": "accepted"]), self.acceptedRequests)
        writer.sample(ExpositionWriter.labels(["result": "replayed"]), self.replayedRequests)
        writer.sample(ExpositionWriter.labels(["result": "rejected"]), self.rejected.values.reduce(0, &+))
        writer.family("funnel_ingest_rejected", .counter, help: "Report requests rejected, by reason.")
        for reason in ReportRejection.Reason.allCases {
            writer.sample(ExpositionWriter.labels(["reason": reason.rawValue]), self.rejected[reason] ?? 0)
        }
    }
}
