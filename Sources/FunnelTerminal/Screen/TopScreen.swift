import FunnelCore
/// The `funnel top` screen: a pure function from a ``TopSnapshot`` and a terminal size to lines of text.
///
/// From top to bottom: a title bar; firing (red) and pending (yellow) alarms; the pipelines to switch between;
/// the selected pipeline's headline (delivery ratio, ingested, delivered, loss, end-to-end p95); one row per stage
/// with a funnel bar, rate, failed, dead-lettered, silent loss and its share of the pipeline's loss (the one place
/// where most events die marked `◀`, places that tie for it `=`), in flight and latency percentiles, with the
/// transit loss between stages; dead-letter queue depths with a sparkline; and a footer with the keys and the
/// connection state. With the overview open, every pipeline instead, most trouble first (``PipelineTrouble``).
/// With several servers, one that does not answer gets a red `DOWN` line under the title.
///
/// Exactly `size.rows` lines come back, none wider than `size.columns`. When the terminal is small, the screen
/// drops the least useful parts first (blank lines, extra alarms, quiet hops, columns), says what it hid, scrolls
/// the stage table rather than cut it, and never fails.
public enum TopScreen {
    /// The screen as terminal text, one string per row; ANSI colours only when `color` is true.
    public static func render(_ snapshot: TopSnapshot, size: TerminalSize, color: Bool) -> [String] {
        self.lines(snapshot, size: size).map { $0.rendered(width: max(0, size.columns), color: color) }
    }

    /// The screen as styled lines, `size.rows` of them.
    public static func lines(_ snapshot: TopSnapshot, size: TerminalSize) -> [ScreenLine] {
        self.layout(snapshot, size: size).lines
    }

    /// How many rows of the stage table and the overview the screen shows at `size`, and how far the table scrolls.
    public static func viewport(_ snapshot: TopSnapshot, size: TerminalSize) -> TopViewport {
        self.layout(snapshot, size: size).viewport
    }

    /// The lines of a screen and what its scrolling parts show.
    struct Body {
        var lines: [ScreenLine] = []
        var viewport = TopViewport(tableRows: 0, tableMaximumOffset: 0, listRows: 0)
    }

    static func layout(_ snapshot: TopSnapshot, size: TerminalSize) -> Body {
        let width = max(1, size.columns)
        let rows = max(0, size.rows)
        guard rows > 0 else { return Body() }
        let title = self.titleLine(snapshot, width: width)
        guard rows > 1 else { return Body(lines: [title]) }
        let footer = self.footerLine(snapshot, width: width)
        let down = snapshot.downServers.prefix(max(0, rows - 3)).map { ScreenLine(Self.clipped(" ✖ DOWN \($0)", width), [.bold, .red]) }
        let room = rows - 2 - down.count
        var body: Body
        if snapshot.showHelp {
            body = Body(lines: self.helpLines())
        } else if snapshot.picker != nil {
            body = self.overviewBody(snapshot, width: width, room: room)
        } else if let label = snapshot.label {
            body = self.groupsBody(snapshot, label: label, width: width, room: room)
        } else {
            body = self.pipelineBody(snapshot, width: width, room: room)
        }
        if body.lines.count > room { body.lines = Array(body.lines.prefix(room)) }
        while body.lines.count < room { body.lines.append(ScreenLine()) }
        body.lines = [title] + down + body.lines + [footer]
        return body
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
            let right = ScreenLine("updated \(NumberText.age(age)) ago ", .dim)
            let keys = Self.footerKeys(
                overview: snapshot.picker != nil && !snapshot.showHelp, labels: !snapshot.labels.isEmpty, groups: snapshot.label != nil && !snapshot.showHelp
            )
            var line = keys.first { $0.width + right.width + 1 <= width } ?? keys.last!
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

    /// The keys the footer names, longest first: the first that fits beside the data's age is shown.
    static func footerKeys(overview: Bool, labels: Bool = false, groups: Bool = false) -> [ScreenLine] {
        let sets: [[(String, String)]] =
            groups && !overview
            ? [
                [("q", "quit"), ("l", "next label"), ("Esc", "stages"), ("j/k", "scroll"), ("Tab", "pipeline"), ("w", "window"), ("?", "help")],
                [("q", "quit"), ("l", "next label"), ("Esc", "stages"), ("?", "help")],
                [("q", "quit"), ("Esc", "stages"), ("?", "help")],
                [("q", "quit"), ("?", "help")],
            ]
            : labels && !overview
            ? [
                [("q", "quit"), ("Tab ←→", "pipeline"), ("l", "worst by label"), ("j/k", "scroll"), ("o", "overview"), ("/", "search"), ("w", "window"), ("?", "help")],
                [("q", "quit"), ("Tab", "pipeline"), ("l", "labels"), ("o", "overview"), ("/", "search"), ("?", "help")],
                [("q", "quit"), ("Tab", "pipeline"), ("l", "labels"), ("?", "help")],
                [("q", "quit"), ("?", "help")],
            ]
            : overview
            ? [
                [("q", "quit"), ("↑↓", "move"), ("Enter", "open"), ("/", "search"), ("Esc", "back"), ("w", "window"), ("?", "help")],
                [("q", "quit"), ("↑↓", "move"), ("Enter", "open"), ("/", "search"), ("?", "help")],
                [("q", "quit"), ("Enter", "open"), ("?", "help")],
            ]
            : [
                [("q", "quit"), ("Tab ←→", "pipeline"), ("j/k", "scroll"), ("o", "overview"), ("/", "search"), ("w", "window"), ("?", "help")],
                [("q", "quit"), ("Tab", "pipeline"), ("o", "overview"), ("/", "search"), ("w", "window"), ("?", "help")],
                [("q", "quit"), ("Tab", "pipeline"), ("o", "overview"), ("?", "help")],
                [("q", "quit"), ("?", "help")],
            ]
        return sets.map { keys in
            var line = ScreenLine()
            for (index, (key, action)) in keys.enumerated() {
                line.append(index == 0 ? " " : "  ")
                line.append(key, .bold)
                line.append(" " + action)
            }
            return line
        }
    }
}
