public import FunnelCore
/// What the user chose in `funnel top`: the pipeline, the latency window, help, the stage table's scroll, the label
/// its worst groups are shown by, and the overview with its search.
public struct TopViewState: Sendable, Hashable {
    public var selectedPipeline: String?
    public var window: LatencyWindow
    public var showHelp = false
    /// The first stage-table row (or group row) on screen, when the table is taller than the screen.
    public var tableOffset = 0
    /// The declared label the selected pipeline's worst groups are shown by (`l`); nil: the stage table.
    public var label: String?
    /// The overview of every pipeline, while it is open.
    public var picker: PipelinePicker?
    /// No pipeline asked for: the first look at several pipelines opens the overview.
    let startsOnOverview: Bool
    private var placed = false

    public init(selectedPipeline: String? = nil, window: LatencyWindow = .fiveMinutes) {
        self.selectedPipeline = selectedPipeline
        self.window = window
        self.startsOnOverview = selectedPipeline == nil
    }

    /// What a key asks the program to do next.
    public enum Effect: Sendable, Hashable {
        case none
        case redraw
        /// The data on screen no longer matches the choice: fetch now.
        case refetch
        case quit
    }

    /// The pipeline and label whose groups the screen shows, while it shows them.
    public var grouping: TopGrouping? {
        guard let pipeline = self.selectedPipeline, let label = self.label else { return nil }
        return TopGrouping(pipeline: pipeline, label: label)
    }

    /// Applies `key`; `pipelines` are in the server's order (for Tab), `ranked` most trouble first (for the
    /// overview; the server's order when nil), `labels` the selected pipeline's declared labels (for `l`), and
    /// `viewport` says how far the screen scrolls.
    public mutating func handle(
        _ key: TopKey, pipelines: [String], ranked: [String]? = nil, labels: [String] = [], viewport: TopViewport = TopViewport()
    ) -> Effect {
        if key == .interrupt { return .quit }
        if self.showHelp {
            switch key {
            case .character("q"), .character("Q"): return .quit
            case .character("?"), .escape:
                self.showHelp = false
                return .redraw
            default: return .none
            }
        }
        if var picker = self.picker {
            let effect = self.handle(key, picker: &picker, ranked: ranked ?? pipelines, viewport: viewport)
            if self.picker != nil { self.picker = picker }
            return effect
        }
        return self.handlePipelineScreen(key, pipelines: pipelines, labels: labels, viewport: viewport)
    }

    /// Keeps the selection valid when the server's pipelines change: the first one when none or a vanished one is
    /// chosen. The first time several pipelines are seen without one asked for, the overview opens.
    /// With `declaredLabels` (by pipeline), a label the selected pipeline no longer declares closes its groups.
    public mutating func reconcile(pipelines: [String], declaredLabels: [String: [String]]? = nil) {
        defer {
            if let label = self.label, let declaredLabels, !(self.selectedPipeline.flatMap { declaredLabels[$0] } ?? []).contains(label) {
                self.label = nil
                self.tableOffset = 0
            }
        }
        if !self.placed, !pipelines.isEmpty {
            self.placed = true
            if self.startsOnOverview, pipelines.count > 1, self.picker == nil { self.picker = PipelinePicker() }
        }
        if let selected = self.selectedPipeline, pipelines.contains(selected) { return }
        if self.selectedPipeline == nil || !pipelines.isEmpty {
            self.selectedPipeline = pipelines.first ?? self.selectedPipeline
            self.tableOffset = 0
        }
    }

    /// Keeps the scroll positions within what the screen shows.
    public mutating func clamp(to viewport: TopViewport) {
        self.tableOffset = min(max(0, self.tableOffset), viewport.tableMaximumOffset)
    }

    // MARK: Screens

    mutating func handlePipelineScreen(_ key: TopKey, pipelines: [String], labels: [String] = [], viewport: TopViewport) -> Effect {
        switch key {
        case .character("l"), .character("L"):
            guard !labels.isEmpty else { return .none }
            let next = self.label.flatMap { labels.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
            self.label = next < labels.count ? labels[next] : nil
            self.tableOffset = 0
            return .refetch
        case .escape where self.label != nil:
            self.label = nil
            self.tableOffset = 0
            return .redraw
        case .character("q"), .character("Q"):
            return .quit
        case .character("?"):
            self.showHelp = true
            return .redraw
        case .character("w"), .character("W"):
            let all = LatencyWindow.allCases
            self.window = all[((all.firstIndex(of: self.window) ?? 0) + 1) % all.count]
            return .refetch
        case .tab, .right:
            return self.step(1, pipelines: pipelines)
        case .backTab, .left, .character("h"):
            return self.step(-1, pipelines: pipelines)
        case .character("o"), .character("O"):
            self.picker = PipelinePicker()
            return .redraw
        case .character("/"):
            self.picker = PipelinePicker(query: "")
            return .redraw
        case .down, .character("j"): return self.scroll(to: self.tableOffset + 1, viewport)
        case .up, .character("k"): return self.scroll(to: self.tableOffset - 1, viewport)
        case .pageDown, .character(" "): return self.scroll(to: self.tableOffset + TopViewport.page(viewport.tableRows), viewport)
        case .pageUp, .character("b"): return self.scroll(to: self.tableOffset - TopViewport.page(viewport.tableRows), viewport)
        case .home, .character("g"): return self.scroll(to: 0, viewport)
        case .end, .character("G"): return self.scroll(to: viewport.tableMaximumOffset, viewport)
        default:
            return .none
        }
    }

    mutating func handle(_ key: TopKey, picker: inout PipelinePicker, ranked: [String], viewport: TopViewport) -> Effect {
        let list = picker.list(ranked)
        let page = TopViewport.page(viewport.listRows)
        switch key {
        case .up: return Self.moved(&picker, by: -1, list, viewport)
        case .down: return Self.moved(&picker, by: 1, list, viewport)
        case .pageUp: return Self.moved(&picker, by: -page, list, viewport)
        case .pageDown: return Self.moved(&picker, by: page, list, viewport)
        case .enter: return self.open(picker.highlighted(in: list))
        default: break
        }
        if let query = picker.query {
            switch key {
            case .character(let character):
                picker.query = query + String(character)
                picker.cursor = nil
                picker.offset = 0
            case .backspace where query.isEmpty, .escape:
                picker.query = nil
                picker.cursor = nil
                picker.offset = 0
            case .backspace:
                picker.query = String(query.dropLast())
                picker.cursor = nil
                picker.offset = 0
            default:
                return .none
            }
            return .redraw
        }
        switch key {
        case .character("q"), .character("Q"): return .quit
        case .character("?"):
            self.showHelp = true
            return .redraw
        case .character("w"), .character("W"): return self.handlePipelineScreen(key, pipelines: [], viewport: viewport)
        case .character("j"): return Self.moved(&picker, by: 1, list, viewport)
        case .character("k"): return Self.moved(&picker, by: -1, list, viewport)
        case .character(" "): return Self.moved(&picker, by: page, list, viewport)
        case .character("b"): return Self.moved(&picker, by: -page, list, viewport)
        case .home, .character("g"): return Self.moved(&picker, by: -list.count, list, viewport)
        case .end, .character("G"): return Self.moved(&picker, by: list.count, list, viewport)
        case .right, .character("l"): return self.open(picker.highlighted(in: list))
        case .character("/"):
            picker.query = ""
            return .redraw
        case .escape, .tab, .character("o"), .character("O"):
            guard self.selectedPipeline != nil else { return .none }
            self.picker = nil
            return .redraw
        default:
            return .none
        }
    }

    // MARK: Moves

    mutating func step(_ step: Int, pipelines: [String]) -> Effect {
        guard !pipelines.isEmpty else { return .none }
        let current = self.selectedPipeline.flatMap { pipelines.firstIndex(of: $0) } ?? (step > 0 ? pipelines.count - 1 : 0)
        let chosen = pipelines[(current + (step > 0 ? 1 : pipelines.count - 1)) % pipelines.count]
        guard chosen != self.selectedPipeline else { return .none }
        self.selectedPipeline = chosen
        self.tableOffset = 0
        self.label = nil
        return .redraw
    }

    mutating func scroll(to offset: Int, _ viewport: TopViewport) -> Effect {
        let clamped = min(max(0, offset), viewport.tableMaximumOffset)
        guard clamped != self.tableOffset else { return .none }
        self.tableOffset = clamped
        return .redraw
    }

    mutating func open(_ pipeline: String?) -> Effect {
        guard let pipeline else { return .none }
        if pipeline != self.selectedPipeline { self.label = nil }
        self.selectedPipeline = pipeline
        self.tableOffset = 0
        self.picker = nil
        return .redraw
    }

    static func moved(_ picker: inout PipelinePicker, by step: Int, _ list: [String], _ viewport: TopViewport) -> Effect {
        let before = (picker.highlighted(in: list), picker.offset)
        picker.move(by: step, in: list, rows: viewport.listRows)
        return (picker.highlighted(in: list), picker.offset) == before ? .none : .redraw
    }
}
