/// What one `POST /v1/reports` body carries: stage reports, DLQ depth reports and watermarks, in any mix.
public struct ReportBody: Sendable, Hashable {
    public var stageReports: [StageReport] = []
    public var queueDepths: [QueueDepthReport] = []
    public var watermarks: [WatermarkReport] = []

    public init(stageReports: [StageReport] = [], queueDepths: [QueueDepthReport] = []) {
        self.stageReports = stageReports
        self.queueDepths = queueDepths
    }

    /// Entries of every kind.
    public var count: Int { self.stageReports.count + self.queueDepths.count + self.watermarks.count }
}
