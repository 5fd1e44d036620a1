import FunnelCore

/// The alarm lines and the pipeline tabs.
extension TopScreen {
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
            let position = ScreenLine(" pipeline \(index + 1)/\(snapshot.pipelines.count) ", .dim)
            let elsewhere = active.filter { $0.pipeline != selected }
            let firing = Set(elsewhere.filter { $0.state == .firing }.map(\.pipeline))
            let pending = Set(elsewhere.filter { $0.state == .pending }.map(\.pipeline)).subtracting(firing)
            var alert = ScreenLine()
            if !firing.isEmpty {
                alert.append("  ● \(firing.count) other\(firing.count == 1 ? "" : "s") firing", .red)
            } else if !pending.isEmpty {
                alert.append("  ● \(pending.count) other\(pending.count == 1 ? "" : "s") pending", .yellow)
            }
            let name = Self.clipped(selected, max(8, width - position.width - 2 - alert.width))
            line = position
            line.append("[\(name)]", [.bold, .reverse])
            line.append(alert)
            let hint = ScreenLine("  Tab next · o overview", .dim)
            if line.width + hint.width <= width { line.append(hint) }
        }
        return line
    }
}
