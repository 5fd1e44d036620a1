import FunnelCore

/// The events and latencies aggregated for one series since the last batch was sealed.
struct SeriesTotals: Sendable, Hashable {
    var count: UInt64 = 0
    /// Events that came with a latency, and their latencies' sum and maximum.
    var latencyCount: UInt64 = 0
    var latencySumMillis: Double = 0
    var latencyMaxMillis: Double = 0

    mutating func add(_ count: UInt64, latencyMillis: Double?) {
        self.count &+= count
        if let latencyMillis {
            self.latencyCount &+= count
            self.latencySumMillis += latencyMillis * Double(count)
            self.latencyMaxMillis = max(self.latencyMaxMillis, latencyMillis)
        }
    }

    /// The reports that carry these totals exactly: the server ends up with the same count, latency count, sum and max.
    ///
    /// A report's `latency_ms` applies to each of its events, so one report carries the maximum for one event,
    /// a second the mean of the rest for the other events with a latency, and a third the events without one.
    func reports(for key: SeriesKey) -> [StageReport] {
        func report(_ count: UInt64, _ latency: Double?) -> StageReport {
            StageReport(pipeline: key.pipeline, stage: key.stage, outcome: key.outcome, count: count, eventTimeMillis: key.bucketMillis, latencyMillis: latency)
        }
        var reports: [StageReport] = []
        if self.latencyCount > 0 {
            reports.append(report(1, self.latencyMaxMillis))
            if self.latencyCount > 1 {
                let rest = max(0, (self.latencySumMillis - self.latencyMaxMillis) / Double(self.latencyCount - 1))
                reports.append(report(self.latencyCount - 1, min(rest, self.latencyMaxMillis)))
            }
        }
        if self.count > self.latencyCount {
            reports.append(report(self.count - self.latencyCount, nil))
        }
        return reports
    }
}
