import FunnelCore

/// The overview: every pipeline, most trouble first, with a cursor to open one and `/` to search by name.
extension TopScreen {
    /// A column of the overview's list.
    struct OverviewColumn: Sendable, Hashable {
        enum Kind: Sendable, Hashable { case alarms, delivery, ingested, delivered, lost, inFlight, endToEnd }

        var kind: Kind
        var title: String
        var width: Int
        /// Columns with a lower number are kept first when the terminal is narrow.
        var priority: Int

        static let all = [
            OverviewColumn(kind: .alarms, title: "ALARMS", width: 13, priority: 0),
            OverviewColumn(kind: .delivery, title: "DELIVERY", width: 10, priority: 1),
            OverviewColumn(kind: .ingested, title: "INGESTED", width: 10, priority: 4),
            OverviewColumn(kind: .delivered, title: "DELIVERED", width: 10, priority: 6),
            OverviewColumn(kind: .lost, title: "LOST", width: 8, priority: 2),
            OverviewColumn(kind: .inFlight, title: "IN-FLIGHT", width: 10, priority: 3),
            OverviewColumn(kind: .endToEnd, title: "E2E P95", width: 9, priority: 5),
        ]

        /// Columns from this priority on give way to names that would otherwise be cut.
        static let optionalPriority = 4

        /// The columns that fit beside names `longest` cells long, in screen order, and the width the names get.
        ///
        /// Names get at least 32 cells (or their length) before any column; then optional columns go while names
        /// would still be cut.
        static func layout(width: Int, longest: Int) -> (columns: [OverviewColumn], nameWidth: Int) {
            var used = 3 + min(longest, 32)
            var chosen: [OverviewColumn] = []
            for column in Self.all.sorted(by: { $0.priority < $1.priority }) where used + column.width <= width {
                chosen.append(column)
                used += column.width
            }
            func nameWidth() -> Int { max(1, min(longest, width - 3 - chosen.reduce(0) { $0 + $1.width })) }
            while nameWidth() < longest, let last = chosen.last, last.priority >= Self.optionalPriority {
                chosen.removeLast()
            }
            return (Self.all.filter { column in chosen.contains { $0.kind == column.kind } }, nameWidth())
        }
    }

    static func overviewBody(_ snapshot: TopSnapshot, width: Int, room: Int) -> Body {
        guard !snapshot.pipelines.isEmpty else { return Body(lines: self.emptyLines(snapshot)) }
        var picker = snapshot.picker ?? PipelinePicker()
        let ranking = snapshot.ranking.isEmpty ? snapshot.pipelines.map { PipelineTrouble(pipeline: $0) } : snapshot.ranking
        let list = picker.list(ranking.map(\.pipeline))
        let troubles = Dictionary(ranking.map { ($0.pipeline, $0) }, uniquingKeysWith: { first, _ in first })
        let (columns, nameWidth) = OverviewColumn.layout(width: width, longest: max(8, list.map(\.count).max() ?? 8))

        var header = ScreenLine("   " + Self.padded("PIPELINE", nameWidth), .bold)
        for column in columns {
            header.append(column.kind == .alarms ? "  " + Self.padded(column.title, column.width - 2) : Self.leftPadded(column.title, column.width), .bold)
        }
        let heading = self.overviewHeading(picker, matches: list.count, of: ranking.count, width: width)
        var lines: [ScreenLine] = []
        for (maximumAlarms, gaps) in [(3, true), (3, false), (1, false), (0, false)] {
            var top = self.alarmLines(snapshot, width: width, maximum: maximumAlarms)
            if gaps, !top.isEmpty { top.append(ScreenLine()) }
            top += [heading, header]
            if list.isEmpty {
                lines = top + [ScreenLine("   no pipeline matches \(String(reflecting: picker.query ?? ""))", .dim)]
                if lines.count <= room || maximumAlarms == 0 { return Body(lines: lines) }
                continue
            }
            let comparisonLines = list.reduce(0) { $0 + self.comparisonLines(under: $1, snapshot.comparisons, width: width).count }
            if top.count + list.count + comparisonLines <= room {
                lines = top
                for pipeline in list {
                    let trouble = troubles[pipeline] ?? PipelineTrouble(pipeline: pipeline)
                    lines.append(self.overviewRow(trouble, columns: columns, nameWidth: nameWidth, isCursor: pipeline == picker.highlighted(in: list)))
                    lines += self.comparisonLines(under: pipeline, snapshot.comparisons, width: width)
                }
                return Body(lines: lines, viewport: TopViewport(tableRows: 0, tableMaximumOffset: 0, listRows: list.count))
            }
            let visible = room - top.count - 1
            guard visible >= min(5, list.count) || maximumAlarms == 0, visible >= 1 else { continue }
            picker.follow(picker.cursorIndex(in: list) ?? 0, rows: visible, count: list.count)
            let shown = picker.offset..<min(list.count, picker.offset + visible)
            lines = top
            lines += list[shown].map {
                self.overviewRow(troubles[$0] ?? PipelineTrouble(pipeline: $0), columns: columns, nameWidth: nameWidth, isCursor: $0 == picker.highlighted(in: list))
            }
            let position = "rows \(shown.lowerBound + 1)-\(shown.upperBound) of \(list.count)"
            let note = [ScreenLine(" " + position + " · ↑↓ j/k PgUp/PgDn move", .dim), ScreenLine(" " + position, .dim)]
            lines.append(note.first { $0.width <= width } ?? Self.clipped(note[1], width))
            return Body(lines: lines, viewport: TopViewport(tableRows: 0, tableMaximumOffset: 0, listRows: visible))
        }
        return Body(lines: lines)
    }

    /// The line above the list: what it shows and in which order, or the search being typed.
    static func overviewHeading(_ picker: PipelinePicker, matches: Int, of total: Int, width: Int) -> ScreenLine {
        guard let query = picker.query else {
            let candidates = [
                " \(total) pipelines, most trouble first: firing, pending, worst delivery, most in flight",
                " \(total) pipelines, most trouble first",
                " \(total) pipelines",
            ]
            var line = ScreenLine(" PIPELINES", .bold)
            line.append(candidates.first { line.width + $0.count <= width } ?? "", .dim)
            return line
        }
        var line = ScreenLine(" / ", [.bold, .cyan])
        line.append(query, .bold)
        line.append("▏", .cyan)
        let counts = "   \(matches) of \(total) match"
        for hint in [counts + " · Enter open · Esc cancel", counts, ""] where line.width + hint.count <= width {
            line.append(hint, .dim)
            break
        }
        return Self.clipped(line, width)
    }

    static func overviewRow(_ trouble: PipelineTrouble, columns: [OverviewColumn], nameWidth: Int, isCursor: Bool) -> ScreenLine {
        var line = ScreenLine(" ")
        line.append(isCursor ? "▶ " : "  ", [.bold, .cyan])
        line.append(Self.middleClipped(trouble.pipeline, nameWidth), isCursor ? [.bold, .reverse] : trouble.firing > 0 ? [.bold, .red] : [.bold])
        let totals = trouble.totals
        for column in columns {
            let cell = column.width
            switch column.kind {
            case .alarms:
                if trouble.firing > 0 {
                    line.append("  " + Self.padded("● \(trouble.firing) firing", cell - 2), [.bold, .red])
                } else if trouble.pending > 0 {
                    line.append("  " + Self.padded("● \(trouble.pending) pending", cell - 2), .yellow)
                } else {
                    line.append("  " + Self.padded("-", cell - 2), .dim)
                }
            case .delivery:
                if let ratio = totals?.deliveryRatio {
                    line.append(Self.leftPadded(NumberText.percent(ratio, digits: 2), cell), [.bold, ratio >= 0.999 ? .green : ratio >= 0.99 ? .yellow : .red])
                } else {
                    line.append(Self.leftPadded("n/a", cell), .dim)
                }
            case .ingested: line.append(Self.optionalCount(totals?.ingested, cell, style: []))
            case .delivered: line.append(Self.optionalCount(totals?.delivered, cell, style: []))
            case .lost: line.append(Self.optionalCount(totals?.lost, cell, style: [.bold, .red]))
            case .inFlight: line.append(Self.optionalCount(totals?.inFlight, cell, style: .cyan))
            case .endToEnd: line.append(Self.latency(trouble.endToEndP95, cell))
            }
        }
        return line
    }

    static func optionalCount(_ value: UInt64?, _ cell: Int, style: TextStyle) -> ScreenLine {
        guard let value else { return ScreenLine(Self.leftPadded("-", cell), .dim) }
        return Self.count(value, cell, style: style)
    }
}
