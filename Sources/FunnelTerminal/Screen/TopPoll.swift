public import FunnelCore
/// One round of answers from the server: pipelines, their funnels, alarms and dead-letter queues.
public struct TopPoll: Sendable, Hashable {
    public var pipelines: [PipelineDescriptor]
    /// Funnels by pipeline name, over the window asked for.
    public var funnels: [String: PipelineFunnel]
    /// nil when the server has no alarms API (404).
    public var alarms: [AlarmStatus]?
    /// nil when the server has no dead-letter queue API (404).
    public var queues: [QueueDepth]?
    /// Each configured comparison over everything retained; empty when there are none or the server has no
    /// comparisons API.
    public var comparisons: [ComparisonReport] = []
    /// With several servers: each one that did not answer, as `URL: reason`; its pipelines are missing.
    public var downServers: [String] = []
    /// With several servers: the server each pipeline came from.
    public var serverOfPipeline: [String: String] = [:]
    /// The selected pipeline split by the label the user chose (`l`), when one was asked for.
    public var grouped: GroupedFunnel?

    public init(pipelines: [PipelineDescriptor], funnels: [String: PipelineFunnel], alarms: [AlarmStatus]? = nil, queues: [QueueDepth]? = nil, grouped: GroupedFunnel? = nil) {
        self.pipelines = pipelines
        self.funnels = funnels
        self.alarms = alarms
        self.queues = queues
        self.grouped = grouped
    }
}
