import FunnelCore

/// How the body of the screen fits the rows: what goes first on a short terminal.
extension TopScreen {
    /// How much of the body to show; each step down frees rows on a short terminal.
    struct Fit: Sendable, Hashable {
        var gaps = true
        var maximumAlarms = 6
        var transit = TransitRows.all
        var queues = QueueRows.full
        var tabs = true
        var summaryLines = 2

        enum TransitRows { case all, lossy, none }
        enum QueueRows { case full, compact, none }

        /// Successively smaller fits, the first that fits the rows wins.
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
            next { $0.tabs = false }
            next { $0.maximumAlarms = 1 }
            next { $0.queues = .none }
            return fits
        }()
    }

    static func bodyLines(_ snapshot: TopSnapshot, width: Int, room: Int) -> [ScreenLine] {
        var lines: [ScreenLine] = []
        for fit in Fit.ladder {
            lines = self.bodyLines(snapshot, width: width, fit: fit)
            if lines.count <= room { return lines }
        }
        // Still too long: keep the top, and say what was cut.
        guard room > 0 else { return [] }
        let hidden = lines.count - room + 1
        return Array(lines.prefix(room - 1)) + [ScreenLine(" … \(hidden) more line\(hidden == 1 ? "" : "s"): enlarge the terminal", .dim)]
    }

    static func bodyLines(_ snapshot: TopSnapshot, width: Int, fit: Fit) -> [ScreenLine] {
        var lines: [ScreenLine] = []
        let alarms = self.alarmLines(snapshot, width: width, maximum: fit.maximumAlarms)
        lines += alarms
        if fit.gaps, !alarms.isEmpty { lines.append(ScreenLine()) }
        if fit.tabs, snapshot.pipelines.count > 1 {
            lines.append(self.tabsLine(snapshot, width: width))
        }
        guard let funnel = snapshot.funnel else {
            lines += self.emptyLines(snapshot)
            return lines
        }
        lines += self.summaryLines(funnel, snapshot: snapshot, width: width, maximumLines: fit.summaryLines)
        if fit.gaps { lines.append(ScreenLine()) }
        lines += self.stageTable(funnel, snapshot: snapshot, width: width, transit: fit.transit)
        let queues = self.queueLines(snapshot, width: width, mode: fit.queues)
        if !queues.isEmpty {
            if fit.gaps { lines.append(ScreenLine()) }
            lines += queues
        }
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
