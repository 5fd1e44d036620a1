/// What one `POST /v1/reports` body carries: stage reports and DLQ depth reports, in any mix.
public struct ReportBody: Sendable, Hashable {
    public var stageReports: [StageReport] = []
    public var queueDepths: [QueueDepthReport] = []

    public init(stageReports: [StageReport] = [], queueDepths: [QueueDepthReport] = []) {
        self.stageReports = stageReports
        self.queueDepths = queueDepths
    }

    /// Entries of both kinds.
    public var count: Int { self.stageReports.count + self.queueDepths.count }
}
