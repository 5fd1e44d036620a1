/// What one ingest brings, from any way in: stage reports, latency samples without counts, and DLQ depths.
///
/// Entries are numbered in that order (stage reports, then latencies, then DLQ depths, then watermarks): a refusal's index and
/// ``Admission/refused`` use this numbering.
public struct IngestEntries: Sendable, Hashable {
    public var stageReports: [StageReport]
    /// Latency samples of a stage that count no events (StatsD timers), summed per stage.
    public var latencies: [StageLatency]
    public var queueDepths: [QueueDepthReport]
    /// Reporters' watermarks (HTTP only).
    public var watermarks: [WatermarkReport] = []

    public init(stageReports: [StageReport] = [], latencies: [StageLatency] = [], queueDepths: [QueueDepthReport] = []) {
        self.stageReports = stageReports
        self.latencies = latencies
        self.queueDepths = queueDepths
    }

    /// The entries of a `POST /v1/reports` body.
    public init(_ body: ReportBody) {
        self.init(stageReports: body.stageReports, queueDepths: body.queueDepths)
        self.watermarks = body.watermarks
    }

    /// Entries of every kind.
    public var count: Int { self.stageReports.count + self.latencies.count + self.queueDepths.count + self.watermarks.count }

    public var isEmpty: Bool { self.count == 0 }
}
