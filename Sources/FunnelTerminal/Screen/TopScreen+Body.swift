import FunnelCore

/// How the pipeline screen fits the rows: what goes first on a short terminal, and when the stage table scrolls.
extension TopScreen {
    /// How much of the body to show; each step down frees rows on a short terminal.
    struct Fit: Sendable, Hashable {
        var gaps = true
        var maximumAlarms = 6
        var transit = TransitRows.all
        var queues = QueueRows.full
        var tabs = true
        var summaryLines = 2
        /// The fewest stage-table rows worth scrolling through at this step; nil: the table does not scroll yet.
        var minimumTableRows: Int?

        enum TransitRows { case all, lossy, none }
        enum QueueRows { case full, compact, none }

        /// Successively smaller fits; the first that fits the rows wins.
        ///
        /// Hops are summarised before the table scrolls, and the table scrolls before alarms and tabs go.
        static let ladder: [Fit] = {
            var fits = [Fit()]
            func next(_ change: (inout Fit) -> Void) {
                var fit = fits.last!
                change(&fit)
                fits.append(fit)
            }
            next { $0.gaps = false }
            next { $0.maximumAlarms = 3 }
            next { $0.transit = .lossy }
            next { $0.queues = .compact }
            next { $0.summaryLines = 1 }
            next { $0.transit = .none }
            next { $0.minimumTableRows = 6 }
            next { $0.tabs = false }
            next { $0.maximumAlarms = 1 }
            next { $0.queues = .none }
            next { $0.minimumTableRows = 1 }
            return fits
        }()

        /// What a fit that leaves rows free gets back, most wanted first: hops stay summarised, the rest returns.
        static let relaxations: [@Sendable (inout Fit) -> Void] = [
            { $0.summaryLines = 2 },
            { $0.maximumAlarms = 6 },
            { $0.queues = .full },
            { $0.tabs = true },
            { $0.gaps = true },
        ]
    }

    static func pipelineBody(_ snapshot: TopSnapshot, width: Int, room: Int) -> Body {
        var lines: [ScreenLine] = []
        for fit in Fit.ladder {
            guard let funnel = snapshot.funnel else {
                lines = self.topLines(snapshot, width: width, fit: fit) + self.emptyLines(snapshot)
                if lines.count <= room { return Body(lines: lines) }
                continue
            }
            let parts = self.pipelineParts(funnel, snapshot: snapshot, width: width, fit: fit)
            lines = parts.lines(showing: nil, width: width)
            if lines.count <= room {
                // Give back what an earlier step took, where it still fits.
                var best = (fit: fit, lines: lines)
                for relax in Fit.relaxations {
                    var trial = best.fit
                    relax(&trial)
                    guard trial != best.fit else { continue }
                    let relaxed = self.pipelineParts(funnel, snapshot: snapshot, width: width, fit: trial).lines(showing: nil, width: width)
                    if relaxed.count <= room { best = (trial, relaxed) }
                }
                return Body(lines: best.lines, viewport: TopViewport(tableRows: parts.table.rows.count, tableMaximumOffset: 0, listRows: 0))
            }
            let visible = room - parts.top.count - 2 - parts.bottom.count
            if let minimum = fit.minimumTableRows, visible >= min(minimum, parts.table.rows.count), visible >= 1 {
                let maximumOffset = parts.table.rows.count - visible
                let offset = min(max(0, snapshot.tableOffset), maximumOffset)
                return Body(
                    lines: parts.lines(showing: offset..<(offset + visible), width: width),
                    viewport: TopViewport(tableRows: visible, tableMaximumOffset: maximumOffset, listRows: 0)
                )
            }
        }
        // Still too long: keep the top, and say what was cut.
        guard room > 0 else { return Body() }
        let hidden = lines.count - room + 1
        return Body(lines: Array(lines.prefix(room - 1)) + [ScreenLine(" … \(hidden) more line\(hidden == 1 ? "" : "s"): enlarge the terminal", .dim)])
    }

    /// The pipeline screen in three parts: what stands above the table, the table, and the queues below it.
    struct PipelineParts {
        var top: [ScreenLine]
        var table: StageTable
        var bottom: [ScreenLine]

        /// The lines, with the table's rows `shown` (all when nil) and the note under it.
        func lines(showing shown: Range<Int>?, width: Int) -> [ScreenLine] {
            let rows = shown.map { Array(self.table.rows[$0]) } ?? self.table.rows
            return self.top + [self.table.header] + rows + TopScreen.tableNotes(self.table, showing: shown, width: width) + self.bottom
        }
    }

    static func pipelineParts(_ funnel: PipelineFunnel, snapshot: TopSnapshot, width: Int, fit: Fit) -> PipelineParts {
        var bottom = self.queueLines(snapshot, width: width, mode: fit.queues)
        if fit.gaps, !bottom.isEmpty { bottom.insert(ScreenLine(), at: 0) }
        return PipelineParts(
            top: self.topLines(snapshot, width: width, fit: fit),
            table: self.stageTable(funnel, snapshot: snapshot, width: width, transit: fit.transit),
            bottom: bottom
        )
    }

    /// Alarms, the pipelines to switch between and the headline: what stands above the stage table.
    static func topLines(_ snapshot: TopSnapshot, width: Int, fit: Fit) -> [ScreenLine] {
        var lines: [ScreenLine] = []
        let alarms = self.alarmLines(snapshot, width: width, maximum: fit.maximumAlarms)
        lines += alarms
        if fit.gaps, !alarms.isEmpty { lines.append(ScreenLine()) }
        if fit.tabs, snapshot.pipelines.count > 1 {
            lines.append(self.tabsLine(snapshot, width: width))
        }
        guard let funnel = snapshot.funnel else { return lines }
        lines += self.summaryLines(funnel, snapshot: snapshot, width: width, maximumLines: fit.summaryLines)
        if fit.gaps { lines.append(ScreenLine()) }
        return lines
    }

    static func emptyLines(_ snapshot: TopSnapshot) -> [ScreenLine] {
        switch snapshot.connection {
        case .connecting, .unreachable:
            return [ScreenLine(), ScreenLine(" Waiting for \(snapshot.server) …", .dim)]
        case .live:
            if snapshot.pipelines.isEmpty {
                return [
                    ScreenLine(),
                    ScreenLine(" No pipelines yet.", .bold),
                    ScreenLine(" Stages report to POST \(snapshot.server)/v1/reports; or run `funnel demo` to watch a simulated one."),
                ]
            }
            return [ScreenLine(), ScreenLine(" Loading \(snapshot.selectedPipeline ?? "pipeline") …", .dim)]
        }
    }
}
