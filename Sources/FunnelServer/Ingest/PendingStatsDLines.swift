import FunnelCore

/// Parsed StatsD lines waiting to be written to the database and counted in one batch.
struct PendingStatsDLines: Sendable {
    var reports: [StageReport] = []
    var latencies: [LatencyObservation] = []

    var count: Int { self.reports.count + self.latencies.count }
    var isEmpty: Bool { self.reports.isEmpty && self.latencies.isEmpty }
}
