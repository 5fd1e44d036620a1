import FunnelCore
/// What `funnel top` remembers between polls: the last good answers, rates, queue history and connection state.
///
/// Failed polls keep the last data and count attempts, so the screen can show stale data with its age. Times are
/// seconds on a monotonic clock, passed in, so the model is pure and testable.
public struct TopModel: Sendable {
    public var server: String
    public var refreshSeconds: Double
    public private(set) var lastPoll: TopPoll?
    public private(set) var lastSuccessSeconds: Double?
    public private(set) var failedAttempts = 0
    public private(set) var lastError: String?
    public private(set) var rates = StageRateMeter()
    public private(set) var history = DepthHistory()

    public init(server: String, refreshSeconds: Double) {
        self.server = server
        self.refreshSeconds = refreshSeconds
    }

    /// Pipeline names in the server's order, from the last good poll.
    public var pipelines: [String] { self.lastPoll?.pipelines.map(\.name) ?? [] }

    /// The labels each pipeline of the last good poll declares, by pipeline name.
    public var declaredLabels: [String: [String]] {
        Dictionary((self.lastPoll?.pipelines ?? []).map { ($0.name, $0.labels ?? []) }, uniquingKeysWith: { first, _ in first })
    }

    /// The labels `pipeline` declares, from the last good poll.
    public func labels(of pipeline: String?) -> [String] {
        guard let pipeline else { return [] }
        return self.lastPoll?.pipelines.first { $0.name == pipeline }?.labels ?? []
    }

    /// Every pipeline of the last good poll, most trouble first.
    public var ranking: [PipelineTrouble] {
        PipelineTrouble.ranked(self.pipelines, funnels: self.lastPoll?.funnels ?? [:], alarms: self.lastPoll?.alarms ?? [])
    }

    /// Takes in a successful poll made at `seconds`.
    public mutating func record(_ poll: TopPoll, atSeconds seconds: Double) {
        for funnel in poll.funnels.values { self.rates.observe(funnel, atSeconds: seconds) }
        self.history.record(poll.queues ?? [])
        self.lastPoll = poll
        self.lastSuccessSeconds = seconds
        self.failedAttempts = 0
        self.lastError = nil
    }

    /// Takes in a failed poll: the data stays, the failure is counted.
    public mutating func recordFailure(_ message: String) {
        self.failedAttempts += 1
        self.lastError = message
    }

    /// Seconds to wait before the next poll: the refresh interval, backing off to 10 s while the server fails.
    public var nextPollDelay: Double {
        guard self.failedAttempts > 0 else { return self.refreshSeconds }
        let backoff = min(10, 0.5 * Double(1 << min(self.failedAttempts, 5)))
        return max(self.refreshSeconds, backoff)
    }

    /// The screen's input at `seconds` (monotonic) and `nowMillis` (wall clock), for the user's `view`.
    public func snapshot(view: TopViewState, atSeconds seconds: Double, nowMillis: Int64?, nextPollInSeconds: Double? = nil) -> TopSnapshot {
        let funnel = view.selectedPipeline.flatMap { self.lastPoll?.funnels[$0] }
        let labels = self.labels(of: view.selectedPipeline)
        let label = view.label.flatMap { labels.contains($0) ? $0 : nil }
        let grouped = self.lastPoll?.grouped.flatMap { $0.pipeline == view.selectedPipeline && $0.by == label ? $0 : nil }
        let age = self.lastSuccessSeconds.map { max(0, seconds - $0) }
        let connection: ConnectionState
        if let error = self.lastError {
            connection = .unreachable(error: error, dataAgeSeconds: age, attempt: self.failedAttempts, retryInSeconds: nextPollInSeconds)
        } else if let age {
            connection = .live(dataAgeSeconds: age)
        } else {
            connection = .connecting(attempt: self.failedAttempts + 1, error: nil)
        }
        var snapshot = TopSnapshot(
            server: self.server, pipelines: self.pipelines, selectedPipeline: view.selectedPipeline, window: view.window,
            refreshSeconds: self.refreshSeconds, funnel: funnel, stageRates: funnel.map { self.rates.rates(for: $0) } ?? [:],
            alarms: self.lastPoll?.alarms ?? [], alarmsAvailable: self.lastPoll == nil || self.lastPoll?.alarms != nil,
            queues: self.lastPoll?.queues ?? [], queueHistory: self.history.depths, connection: connection,
            nowMillis: nowMillis, showHelp: view.showHelp, tableOffset: view.tableOffset, picker: view.picker, ranking: self.ranking,
            labels: labels, label: label, grouped: grouped
        )
        snapshot.comparisons = self.lastPoll?.comparisons ?? []
        snapshot.downServers = self.lastPoll?.downServers ?? []
        return snapshot
    }
}
