import FunnelCore

/// Parsed StatsD lines waiting to be written to the database and counted in one batch.
struct PendingStatsDLines: Sendable {
    var body = ReportBody()
    var latencies: [LatencyObservation] = []

    var count: Int { self.body.count + self.latencies.count }
    var isEmpty: Bool { self.count == 0 }
}
