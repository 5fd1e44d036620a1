public import FunnelCore
/// Everything `funnel top` knows at one moment: the input of ``TopScreen``.
///
/// Built by ``TopModel`` from the server's answers; the clock readings in it (`nowMillis`, ages) are data,
/// so rendering is a pure function.
public struct TopSnapshot: Sendable, Hashable {
    /// The server's base URL, shown in the title.
    public var server: String
    /// Pipeline names in the server's order.
    public var pipelines: [String]
    public var selectedPipeline: String?
    /// The latency window the user chose.
    public var window: LatencyWindow
    public var refreshSeconds: Double
    /// The selected pipeline's funnel, if one has been fetched.
    public var funnel: PipelineFunnel?
    /// Events received per second by each stage of the selected pipeline, from successive polls.
    public var stageRates: [String: Double]
    /// Every alarm the server reports; the screen shows the firing and pending ones.
    public var alarms: [AlarmStatus]
    /// False when the server has no alarms API (answers 404).
    public var alarmsAvailable: Bool
    /// Every dead-letter queue the server reports; the screen shows the selected pipeline's.
    public var queues: [QueueDepth]
    /// Recent depths per queue (``DepthHistory/key(_:)``), oldest first.
    public var queueHistory: [String: [Double]]
    public var connection: ConnectionState
    /// Wall clock of the snapshot in Unix milliseconds, for how long alarms have been in their state.
    public var nowMillis: Int64?
    public var showHelp: Bool
    /// The first stage-table row the user scrolled to.
    public var tableOffset: Int
    /// The overview's cursor and search while the overview is open; nil on the pipeline screen.
    public var picker: PipelinePicker?
    /// Every pipeline, most trouble first (``PipelineTrouble/ranked(_:funnels:alarms:)``).
    public var ranking: [PipelineTrouble]
    /// The configured comparisons; the overview shows each under its candidate pipeline.
    public var comparisons: [ComparisonReport] = []
    /// With several servers: each one that did not answer, as `URL: reason`, shown under the title.
    public var downServers: [String] = []
    /// The labels the selected pipeline declares: `l` shows its worst groups by them.
    public var labels: [String]
    /// The label the selected pipeline's worst groups are shown by; nil: the stage table.
    public var label: String?
    /// The selected pipeline split by ``label``, once fetched.
    public var grouped: GroupedFunnel?

    public init(
        server: String, pipelines: [String] = [], selectedPipeline: String? = nil, window: LatencyWindow = .fiveMinutes,
        refreshSeconds: Double = 1, funnel: PipelineFunnel? = nil, stageRates: [String: Double] = [:],
        alarms: [AlarmStatus] = [], alarmsAvailable: Bool = true, queues: [QueueDepth] = [],
        queueHistory: [String: [Double]] = [:], connection: ConnectionState = .connecting(attempt: 0, error: nil),
        nowMillis: Int64? = nil, showHelp: Bool = false, tableOffset: Int = 0, picker: PipelinePicker? = nil,
        ranking: [PipelineTrouble] = [], labels: [String] = [], label: String? = nil, grouped: GroupedFunnel? = nil
    ) {
        self.server = server
        self.pipelines = pipelines
        self.selectedPipeline = selectedPipeline
        self.window = window
        self.refreshSeconds = refreshSeconds
        self.funnel = funnel
        self.stageRates = stageRates
        self.alarms = alarms
        self.alarmsAvailable = alarmsAvailable
        self.queues = queues
        self.queueHistory = queueHistory
        self.connection = connection
        self.nowMillis = nowMillis
        self.showHelp = showHelp
        self.tableOffset = tableOffset
        self.picker = picker
        self.ranking = ranking
        self.labels = labels
        self.label = label
        self.grouped = grouped
    }
}
