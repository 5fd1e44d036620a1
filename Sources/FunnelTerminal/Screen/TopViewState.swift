public import FunnelCore
/// What the user chose in `funnel top`: the pipeline, the latency window, and whether help is open.
public struct TopViewState: Sendable, Hashable {
    public var selectedPipeline: String?
    public var window: LatencyWindow
    public var showHelp = false

    public init(selectedPipeline: String? = nil, window: LatencyWindow = .fiveMinutes) {
        self.selectedPipeline = selectedPipeline
        self.window = window
    }

    /// What a key asks the program to do next.
    public enum Effect: Sendable, Hashable {
        case none
        case redraw
        /// The data on screen no longer matches the choice: fetch now.
        case refetch
        case quit
    }

    /// Applies `key`, switching among `pipelines`; returns what the program should do.
    public mutating func handle(_ key: TopKey, pipelines: [String]) -> Effect {
        switch key {
        case .quit:
            return .quit
        case .help:
            self.showHelp.toggle()
            return .redraw
        case .escape:
            guard self.showHelp else { return .none }
            self.showHelp = false
            return .redraw
        case .cycleWindow:
            let all = LatencyWindow.allCases
            self.window = all[((all.firstIndex(of: self.window) ?? 0) + 1) % all.count]
            return .refetch
        case .nextPipeline, .previousPipeline:
            guard !pipelines.isEmpty else { return .none }
            let step = key == .nextPipeline ? 1 : pipelines.count - 1
            let current = self.selectedPipeline.flatMap { pipelines.firstIndex(of: $0) } ?? (key == .nextPipeline ? pipelines.count - 1 : 0)
            let chosen = pipelines[(current + step) % pipelines.count]
            guard chosen != self.selectedPipeline else { return .none }
            self.selectedPipeline = chosen
            return .redraw
        case .other:
            return .none
        }
    }

    /// Keeps the selection valid when the server's pipelines change: the first one when none or a vanished one is chosen.
    public mutating func reconcile(pipelines: [String]) {
        if let selected = self.selectedPipeline, pipelines.contains(selected) { return }
        if self.selectedPipeline == nil || !pipelines.isEmpty { self.selectedPipeline = pipelines.first ?? self.selectedPipeline }
    }
}
