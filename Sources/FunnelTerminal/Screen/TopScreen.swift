import FunnelCore
/// The `funnel top` screen: a pure function from a ``TopSnapshot`` and a terminal size to lines of text.
///
/// From top to bottom: a title bar; firing (red) and pending (yellow) alarms; the pipelines to switch between;
/// the selected pipeline's headline (delivery ratio, ingested, delivered, loss, end-to-end p95); one row per stage
/// with a funnel bar, rate, failed, dead-lettered, silent loss and its share of the pipeline's loss (the worst
/// marked `◀`), in flight and latency percentiles, with the transit loss between stages; dead-letter queue depths
/// with a sparkline; and a footer with the keys and the connection state.
///
/// Exactly `size.rows` lines come back, none wider than `size.columns`. When the terminal is small, the screen
/// drops the least useful parts first (blank lines, extra alarms, quiet hops, columns) and never fails.
public enum TopScreen {
    /// The screen as terminal text, one string per row; ANSI colours only when `color` is true.
    public static func render(_ snapshot: TopSnapshot, size: TerminalSize, color: Bool) -> [String] {
        self.lines(snapshot, size: size).map { $0.rendered(width: max(0, size.columns), color: color) }
    }

    /// The screen as styled lines, `size.rows` of them.
    public static func lines(_ snapshot: TopSnapshot, size: TerminalSize) -> [ScreenLine] {
        let width = max(1, size.columns)
        let rows = max(0, size.rows)
        guard rows > 0 else { return [] }
        let title = self.titleLine(snapshot, width: width)
        guard rows > 1 else { return [title] }
        let footer = self.footerLine(snapshot, width: width)
        let room = rows - 2
        var body = snapshot.showHelp ? self.helpLines() : self.bodyLines(snapshot, width: width, room: room)
        if body.count > room { body = Array(body.prefix(room)) }
        while body.count < room { body.append(ScreenLine()) }
        return [title] + body + [footer]
    }

    // MARK: Title and footer

    static func titleLine(_ snapshot: TopSnapshot, width: Int) -> ScreenLine {
        let active = AlarmList(alarms: snapshot.alarms).active
        let firing = active.filter { $0.state == .firing }.count
        let pending = active.count - firing
        var right = ScreenLine()
        if !snapshot.alarmsAvailable {
            right.append("alarms: n/a ", .reverse)
        } else if active.isEmpty {
            right.append("no alarms ", .reverse)
        } else {
            if firing > 0 { right.append("\(firing) firing", [.reverse, .red, .bold]) }
            if firing > 0, pending > 0 { right.append("  ", .reverse) }
            if pending > 0 { right.append("\(pending) pending", [.reverse, .yellow, .bold]) }
            right.append(" ", .reverse)
        }
        let refresh = Int(exactly: snapshot.refreshSeconds).map { "\($0)s" } ?? NumberText.age(snapshot.refreshSeconds)
        let details = [
            ["  \(snapshot.server)", "  window \(snapshot.window.rawValue)", "  refresh \(refresh)"],
            ["  window \(snapshot.window.rawValue)", "  refresh \(refresh)"],
            ["  window \(snapshot.window.rawValue)"],
            [],
        ]
        var line = ScreenLine()
        for parts in details {
            line = ScreenLine(" funnel top", [.bold, .reverse])
            line.append(parts.joined(), .reverse)
            if line.width + right.width + 2 <= width { break }
        }
        if line.width + right.width + 2 <= width {
            line.pad(to: width - right.width)
            line = Self.reversePadding(line)
            line.append(right)
        }
        line.pad(to: width)
        return Self.reversePadding(line)
    }

    /// Turns trailing plain spaces into reverse-video spaces so a bar runs the full width.
    static func reversePadding(_ line: ScreenLine) -> ScreenLine {
        var result = ScreenLine()
        for span in line.spans {
            result.append(span.text, span.style.isEmpty && span.text.allSatisfy { $0 == " " } ? .reverse : span.style)
        }
        return result
    }

    static func footerLine(_ snapshot: TopSnapshot, width: Int) -> ScreenLine {
        switch snapshot.connection {
        case .live(let age):
            var line = ScreenLine(" q", .bold)
            line.append(" quit  ")
            line.append("Tab ←→", .bold)
            line.append(" pipeline  ")
            line.append("w", .bold)
            line.append(" window  ")
            line.append("?", .bold)
            line.append(" help")
            let right = ScreenLine("updated \(NumberText.age(age)) ago ", .dim)
            if line.width + right.width + 1 <= width { line.appendRightAligned(right, endingAt: width) }
            return line
        case .connecting(let attempt, let error):
            var text = " connecting to \(snapshot.server)"
            if attempt > 1 { text += " (attempt \(attempt))" }
            if let error { text += ": \(error)" }
            var line = ScreenLine(text, error == nil ? [.reverse] : [.reverse, .yellow])
            line.pad(to: width)
            return Self.reversePadding(line)
        case .unreachable(let error, let age, let attempt, let retry):
            let data = age.map { "data from \(NumberText.age($0)) ago" } ?? "no data yet"
            let again = "retry #\(attempt)" + (retry.map { " in \(NumberText.age($0))" } ?? "")
            let candidates = [
                " ✖ SERVER UNREACHABLE \(snapshot.server): \(error) · showing \(data) · \(again)",
                " ✖ UNREACHABLE: \(error) · \(data) · \(again)",
                " ✖ UNREACHABLE · \(data) · \(again)",
                " ✖ UNREACHABLE · \(data)",
            ]
            let text = candidates.first { $0.count <= width } ?? candidates.last!
            var line = ScreenLine(text, [.reverse, .red, .bold])
            line.pad(to: width)
            return line
        }
    }

    // MARK: Body

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

    // MARK: Alarms and pipelines

    static func alarmLines(_ snapshot: TopSnapshot, width: Int, maximum: Int) -> [ScreenLine] {
        let active = AlarmList(alarms: snapshot.alarms).active
        guard !active.isEmpty else { return [] }
        let shown = active.count <= maximum ? active : Array(active.prefix(max(0, maximum - 1)))
        let nameWidth = min(24, shown.map(\.name.count).max() ?? 0)
        var lines: [ScreenLine] = shown.map { alarm in
            let color: TextStyle = alarm.state == .firing ? .red : .yellow
            var line = ScreenLine(" ")
            line.append(alarm.state == .firing ? " FIRING  " : " PENDING ", [.reverse, .bold, color])
            line.append(" " + Self.padded(alarm.name, nameWidth) + "  ", [.bold, color])
            var right = ScreenLine()
            if let since = alarm.since.flatMap(EventTimestamp.parseRFC3339), let now = snapshot.nowMillis {
                right = ScreenLine("  for \(NumberText.age(Double(now - since) / 1000)) ", color)
            }
            // The summary often starts with the alarm's name, which the line already shows.
            var summary = Substring(alarm.summary)
            if summary.hasPrefix(alarm.name + ": ") { summary = summary.dropFirst(alarm.name.count + 2) }
            // The summary matters more than how long: "for …" only when both fit.
            let fitsBoth = line.width + summary.count + right.width <= width
            line.append(Self.clipped(String(summary), max(0, width - line.width)), color)
            if fitsBoth, right.width > 0 { line.appendRightAligned(right, endingAt: width) }
            return line
        }
        if shown.count < active.count {
            let rest = active[shown.count...]
            let firing = rest.filter { $0.state == .firing }.count
            var text = " +\(rest.count) more alarm\(rest.count == 1 ? "" : "s")"
            if firing > 0 { text += " (\(firing) firing)" }
            lines.append(ScreenLine(text, firing > 0 ? .red : .yellow))
        }
        return lines
    }

    static func tabsLine(_ snapshot: TopSnapshot, width: Int) -> ScreenLine {
        let active = AlarmList(alarms: snapshot.alarms).active
        var line = ScreenLine(" pipelines ", .dim)
        for name in snapshot.pipelines {
            let state = active.filter { $0.pipeline == name }.map(\.state).max { $0.metricValue < $1.metricValue }
            if name == snapshot.selectedPipeline {
                line.append("[\(name)]", [.bold, .reverse])
            } else {
                line.append(" \(name) ")
            }
            switch state {
            case .firing: line.append("●", .red)
            case .pending: line.append("●", .yellow)
            default: line.append(" ")
            }
            line.append(" ")
        }
        if line.width > width, let selected = snapshot.selectedPipeline, let index = snapshot.pipelines.firstIndex(of: selected) {
            line = ScreenLine(" pipeline \(index + 1)/\(snapshot.pipelines.count) ", .dim)
            line.append("[\(selected)]", [.bold, .reverse])
            line.append("  Tab for next", .dim)
        }
        return line
    }

    // MARK: Headline

    static func summaryLines(_ funnel: PipelineFunnel, snapshot: TopSnapshot, width: Int, maximumLines: Int) -> [ScreenLine] {
        let totals = funnel.totals
        var items: [ScreenLine] = []
        var ratio = ScreenLine("delivery ")
        if let value = totals.deliveryRatio {
            ratio.append(NumberText.percent(value, digits: 2), [.bold, value >= 0.999 ? .green : value >= 0.99 ? .yellow : .red])
        } else {
            ratio.append("n/a", .dim)
            ratio.append(" (nothing settled)", .dim)
        }
        items.append(ratio)
        items.append(Self.figure("ingested", String(totals.ingested)))
        items.append(Self.figure("delivered", String(totals.delivered)))
        items.append(Self.figure("lost", String(totals.lost), style: totals.lost > 0 ? [.bold, .red] : [.bold]))
        items.append(Self.figure("in flight", String(totals.inFlight)))
        if totals.excess > 0 { items.append(Self.figure("excess", String(totals.excess), style: [.bold, .yellow])) }
        items.append(Self.figure("e2e p95", NumberText.latency(funnel.endToEndLatencyMs.p95) + " (\(funnel.latencyWindow.rawValue))"))

        var lines: [ScreenLine] = []
        var line = ScreenLine(" ")
        line.append(funnel.pipeline, [.bold, .cyan])
        for item in items {
            if line.width + 3 + item.width > width, line.width > 1 {
                if lines.count + 1 >= maximumLines { break }
                lines.append(line)
                line = ScreenLine(String(repeating: " ", count: min(funnel.pipeline.count + 1, 12)))
            }
            line.append("   ")
            line.append(item)
        }
        lines.append(line)
        return lines
    }

    static func figure(_ label: String, _ value: String, style: TextStyle = [.bold]) -> ScreenLine {
        var line = ScreenLine(label + " ", .dim)
        line.append(value, style)
        return line
    }

    // MARK: Stage table

    static func stageTable(_ funnel: PipelineFunnel, snapshot: TopSnapshot, width: Int, transit mode: Fit.TransitRows) -> [ScreenLine] {
        let nameWidth = min(22, max(funnel.stages.map(\.name.count).max() ?? 0, 9) + 2)
        let columns = StageTableColumn.layout(width: width, nameWidth: nameWidth)
        let scale = funnel.stages.map(\.received).max() ?? 0
        let worst = Self.worstLoss(funnel)

        var header = ScreenLine()
        for column in columns {
            switch column.kind {
            case .name: header.append(" " + Self.padded(column.title, column.width - 1), .bold)
            case .bar: header.append(" " + Self.padded(column.width >= 26 ? "FUNNEL █ passed ░ not passed" : column.title, column.width - 1), .bold)
            default: header.append(Self.leftPadded(column.title, column.width), .bold)
            }
        }
        var lines = [header]
        for (index, stage) in funnel.stages.enumerated() {
            if index > 0, index - 1 < funnel.transit.count {
                let hop = funnel.transit[index - 1]
                let show = mode == .all || (mode == .lossy && (hop.lost > 0 || hop.inFlight > 0 || hop.excess > 0))
                if show { lines.append(Self.transitRow(hop, columns: columns, isWorst: worst == .transit(index - 1))) }
            }
            lines.append(
                Self.stageRow(stage, columns: columns, scale: scale, rate: snapshot.stageRates[stage.name], isWorst: worst == .stage(index))
            )
        }
        return lines
    }

    enum LossPlace: Hashable {
        case stage(Int)
        case transit(Int)
    }

    /// Where the pipeline loses the most events, stage or hop; nil when nothing is lost.
    static func worstLoss(_ funnel: PipelineFunnel) -> LossPlace? {
        var best: (place: LossPlace, lost: UInt64)?
        for (index, stage) in funnel.stages.enumerated() where stage.lost > (best?.lost ?? 0) {
            best = (.stage(index), stage.lost)
        }
        for (index, hop) in funnel.transit.enumerated() where hop.lost > (best?.lost ?? 0) {
            best = (.transit(index), hop.lost)
        }
        return best?.place
    }

    static func stageRow(_ stage: StageFunnel, columns: [StageTableColumn], scale: UInt64, rate: Double?, isWorst: Bool) -> ScreenLine {
        var line = ScreenLine()
        for column in columns {
            let cell = column.width
            switch column.kind {
            case .name:
                line.append(" ")
                line.append(Self.padded(stage.name, cell - 1), isWorst ? [.bold, .reverse, .red] : [.bold])
            case .bar:
                line.append(" ")
                let showRatio = cell >= 22
                let barWidth = showRatio ? cell - 8 : cell - 1
                let bar = BlockGraphics.funnelBar(received: stage.received, passed: stage.passed, scale: scale, width: barWidth)
                line.append(bar.passed, .green)
                line.append(bar.rest, .red)
                line.append(String(repeating: " ", count: max(0, barWidth - bar.passed.count - bar.rest.count)))
                if showRatio {
                    let ratio = stage.received == 0 ? "" : NumberText.percent(Double(stage.passed) / Double(stage.received))
                    line.append(Self.leftPadded(ratio, 7), .dim)
                }
            case .rate: line.append(Self.leftPadded(NumberText.rate(rate), cell), rate.map { $0 > 0 } == true ? [] : .dim)
            case .received: line.append(Self.count(stage.received, cell, style: []))
            case .passed: line.append(Self.count(stage.passed, cell, style: []))
            case .failed: line.append(Self.count(stage.failed, cell, style: .yellow))
            case .deadLettered: line.append(Self.count(stage.deadLettered, cell, style: .yellow))
            case .lost: line.append(Self.count(stage.lost, cell, style: isWorst ? [.bold, .red] : .red))
            case .share: line.append(Self.share(stage.lossShare, lost: stage.lost, cell, isWorst: isWorst))
            case .inFlight: line.append(Self.count(stage.inFlight, cell, style: .cyan))
            case .p50: line.append(Self.latency(stage.latencyMs.p50, cell))
            case .p95: line.append(Self.latency(stage.latencyMs.p95, cell))
            case .p99: line.append(Self.latency(stage.latencyMs.p99, cell))
            }
        }
        return line
    }

    static func transitRow(_ hop: TransitFunnel, columns: [StageTableColumn], isWorst: Bool) -> ScreenLine {
        var line = ScreenLine()
        let quiet = hop.lost == 0 && hop.inFlight == 0 && hop.excess == 0
        for column in columns {
            let cell = column.width
            switch column.kind {
            case .name: line.append(Self.padded("  ↓ transit", cell), isWorst ? [.bold, .red] : .dim)
            case .bar:
                let text = hop.excess > 0 ? " excess \(NumberText.count(hop.excess))" : ""
                line.append(Self.padded(text, cell), .yellow)
            case .lost: line.append(Self.count(hop.lost, cell, style: isWorst ? [.bold, .red] : .red))
            case .share: line.append(Self.share(hop.lossShare, lost: hop.lost, cell, isWorst: isWorst))
            case .inFlight: line.append(Self.count(hop.inFlight, cell, style: .cyan))
            default: line.append(String(repeating: " ", count: cell))
            }
        }
        return quiet ? ScreenLine(line.plainText, .dim) : line
    }

    static func count(_ value: UInt64, _ cell: Int, style: TextStyle) -> ScreenLine {
        ScreenLine(Self.leftPadded(NumberText.count(value, width: cell - 1), cell), value == 0 ? .dim : style)
    }

    static func share(_ share: Double, lost: UInt64, _ cell: Int, isWorst: Bool) -> ScreenLine {
        guard lost > 0 else { return ScreenLine(Self.leftPadded("-", cell - 2) + "  ", .dim) }
        var line = ScreenLine(Self.leftPadded(NumberText.percent(share), cell - 2), isWorst ? [.bold, .red] : .red)
        line.append(isWorst ? " ◀" : "  ", [.bold, .red])
        return line
    }

    static func latency(_ millis: Double?, _ cell: Int) -> ScreenLine {
        ScreenLine(Self.leftPadded(NumberText.latency(millis), cell), millis == nil ? .dim : [])
    }

    // MARK: Dead-letter queues

    static func queueLines(_ snapshot: TopSnapshot, width: Int, mode: Fit.QueueRows) -> [ScreenLine] {
        let queues = snapshot.queues.filter { $0.pipeline == snapshot.selectedPipeline }
        guard !queues.isEmpty, mode != .none else { return [] }
        if mode == .compact {
            var line = ScreenLine(" DLQ ", .bold)
            for queue in queues {
                line.append(" \(queue.queue) ")
                line.append(NumberText.compact(Double(queue.depth)), queue.depth > 0 ? [.bold, .yellow] : .dim)
                line.append(" " + BlockGraphics.sparkline(snapshot.queueHistory[DepthHistory.key(queue)] ?? [Double(queue.depth)], width: 8), .yellow)
            }
            return [line]
        }
        let nameWidth = min(28, max(queues.map(\.queue.count).max() ?? 0, 18))
        let sparkWidth = max(0, min(60, width - nameWidth - 38))
        var header = ScreenLine(" " + Self.padded("DEAD-LETTER QUEUE", nameWidth), .bold)
        header.append(Self.leftPadded("DEPTH", 9), .bold)
        if sparkWidth > 0 { header.append("  " + Self.padded("TREND", sparkWidth), .bold) }
        var lines = [header]
        for queue in queues {
            var line = ScreenLine(" " + Self.padded(queue.queue, nameWidth))
            line.append(Self.leftPadded(NumberText.count(queue.depth, width: 8), 9), queue.depth > 0 ? [.bold, .yellow] : .dim)
            let history = snapshot.queueHistory[DepthHistory.key(queue)] ?? [Double(queue.depth)]
            if sparkWidth > 0 {
                let spark = BlockGraphics.sparkline(history, width: sparkWidth)
                line.append("  ")
                line.append(spark, .yellow)
                line.append(String(repeating: " ", count: sparkWidth - spark.count))
            }
            var note = ""
            if history.count >= 2, let last = history.last {
                let previous = history[history.count - 2]
                note = last > previous ? "  ▲ filling" : last < previous ? "  ▼ draining" : ""
            }
            note += "  \(NumberText.age(queue.ageSeconds)) ago"
            if queue.stale { note += "  STALE" }
            line.append(note, queue.stale ? [.bold, .yellow] : .dim)
            lines.append(line)
        }
        return lines
    }

    // MARK: Help

    static func helpLines() -> [ScreenLine] {
        let keys: [(String, String)] = [
            ("q", "quit"),
            ("Tab  → ↓", "next pipeline"),
            ("Shift-Tab  ← ↑", "previous pipeline"),
            ("w", "next latency window: 1m, 5m, 1h"),
            ("?  Esc", "show or hide this help"),
        ]
        let columns: [(String, String)] = [
            ("FUNNEL", "█ passed, ░ received but not passed; widest stage = full"),
            ("RATE/s", "events received per second, from successive polls"),
            ("FAILED", "given up, knowingly"),
            ("DEAD", "sent to a dead-letter queue"),
            ("LOST", "silent loss, settled: received - passed - failed - dead"),
            ("SHARE", "share of the pipeline's loss; ◀ marks where most events die"),
            ("IN-FLIGHT", "difference in unsettled buckets: on the way, not loss"),
            ("P50 P95 P99", "latency percentiles over the window"),
            ("↓ transit", "passed by one stage, never received by the next"),
        ]
        var lines = [ScreenLine(), ScreenLine(" Keys", .bold)]
        lines += keys.map { key, text in
            var line = ScreenLine("   " + Self.padded(key, 16), .bold)
            line.append(text)
            return line
        }
        lines += [ScreenLine(), ScreenLine(" Columns", .bold)]
        lines += columns.map { key, text in
            var line = ScreenLine("   " + Self.padded(key, 16), .bold)
            line.append(text)
            return line
        }
        lines += [ScreenLine(), ScreenLine(" Press ? or Esc to go back.", .dim)]
        return lines
    }

    // MARK: Text

    static func padded(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        if text.count > width { return String(text.prefix(max(0, width - 1))) + "…" }
        return text + String(repeating: " ", count: width - text.count)
    }

    /// `text` cut to `width` cells with an ellipsis when longer.
    static func clipped(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        return text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    static func leftPadded(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        if text.count >= width { return String(text.suffix(width)) }
        return String(repeating: " ", count: width - text.count) + text
    }
}
