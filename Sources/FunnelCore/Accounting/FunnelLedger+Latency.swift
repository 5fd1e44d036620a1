extension FunnelLedger {
    /// The most samples one ``LatencyObservation`` stands for: a timer sampled at `@0.0001` or below counts as 10,000.
    public static let maximumLatencyWeight: UInt64 = 10_000

    /// Admits a body together with latency observations that carry no counts (StatsD timers).
    ///
    /// Each observation registers its stage like a report (and is refused like one, beyond the limits or outside
    /// the time window) and adds `weight` samples to the stage's latency, but counts no events. A rejection's
    /// index counts the body's stage reports first, then the latencies, then the body's DLQ depth reports.
    /// Either everything is admitted or nothing is.
    public mutating func admit(_ body: ReportBody, latencies: [LatencyObservation], nowMillis: Int64) throws(ReportRejection) -> ReportBatch {
        let bounds = self.policy.latencyBucketsSeconds
        return try self.admit(body, stageLatencies: latencies.map { StageLatency($0, bucketsSeconds: bounds) }, nowMillis: nowMillis)
    }

    /// Admits a body together with latencies summed per stage that carry no counts (StatsD timers).
    ///
    /// Each entry registers its stage like a report and is refused like one; its samples join the stage's latency,
    /// but it counts no events. Indices of a rejection are as for ``admit(_:latencies:nowMillis:)``.
    public mutating func admit(_ body: ReportBody, stageLatencies: [StageLatency], nowMillis: Int64) throws(ReportRejection) -> ReportBatch {
        guard !stageLatencies.isEmpty else { return try self.admit(body, nowMillis: nowMillis) }
        var combined = body
        combined.stageReports += stageLatencies.map { latency in
            StageReport(pipeline: latency.pipeline, stage: latency.stage, outcome: .received, count: 0, eventTimeMillis: latency.eventTimeMillis)
        }
        var batch = try self.admit(combined, nowMillis: nowMillis)
        // The latency-only reports counted zero events: keep them out of the counters and the database.
        batch.counts = batch.counts.filter { $0.value > 0 }
        batch.lateEvents = batch.lateEvents.filter { $0.value > 0 }
        let bounds = self.policy.latencyBucketsSeconds
        for latency in stageLatencies where !latency.observations.sketch.isEmpty {
            batch.stageLatencies[StageKey(pipeline: latency.pipeline, stage: latency.stage), default: LatencyObservations(bucketsSeconds: bounds)]
                .merge(latency.observations)
        }
        return batch
    }
}
