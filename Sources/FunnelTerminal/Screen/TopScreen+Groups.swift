import FunnelCore

/// The groups view (`l`): the selected pipeline's worst values of one declared label, most settled loss first.
extension TopScreen {
    /// A column of the groups table.
    struct GroupColumn: Sendable, Hashable {
        enum Kind: Sendable, Hashable { case lost, share, delivery, inFlight, ingested }

        var kind: Kind
        var title: String
        var width: Int

        /// In screen order; the last ones go first when the terminal is narrow.
        static let all = [
            GroupColumn(kind: .lost, title: "LOST", width: 9),
            GroupColumn(kind: .share, title: "SHARE", width: 8),
            GroupColumn(kind: .delivery, title: "DELIVERY", width: 10),
            GroupColumn(kind: .inFlight, title: "IN-FLIGHT", width: 11),
            GroupColumn(kind: .ingested, title: "INGESTED", width: 10),
        ]

        /// The columns that fit beside values `longest` cells long (at least 12 of them), and the width the values get.
        static func layout(width: Int, longest: Int) -> (columns: [GroupColumn], valueWidth: Int) {
            var columns = Self.all
            let wanted = max(12, min(longest, 40))
            while columns.count > 1, 2 + wanted + columns.reduce(0, { $0 + $1.width }) > width, 2 + 12 + columns.reduce(0, { $0 + $1.width }) > width {
                columns.removeLast()
            }
            let valueWidth = max(1, min(wanted, width - 2 - columns.reduce(0) { $0 + $1.width }))
            return (columns, valueWidth)
        }
    }

    static func groupsBody(_ snapshot: TopSnapshot, label: String, width: Int, room: Int) -> Body {
        var lines: [ScreenLine] = []
        for fit in Fit.ladder where fit.minimumTableRows == nil || fit == Fit.ladder.last {
            let top = self.topLines(snapshot, width: width, fit: fit)
            guard let grouped = snapshot.grouped else {
                lines = top + [ScreenLine(" Loading the worst groups by \(label) …", .dim)]
                if lines.count <= room { return Body(lines: lines) }
                continue
            }
            let heading = self.groupsHeading(grouped, width: width)
            guard !grouped.groups.isEmpty else {
                lines = top + [heading, ScreenLine("   no reports in this pipeline yet", .dim)]
                if lines.count <= room { return Body(lines: lines) }
                continue
            }
            let (header, rows) = self.groupRows(grouped, pipelineLost: snapshot.funnel?.totals.lost, width: width)
            let notes = self.groupNotes(grouped, width: width)
            if top.count + 2 + rows.count + notes.count <= room {
                lines = top + [heading, header] + rows + notes
                return Body(lines: lines, viewport: TopViewport(tableRows: rows.count, tableMaximumOffset: 0, listRows: 0))
            }
            let visible = room - top.count - 2 - notes.count - 1
            guard visible >= min(5, rows.count) || fit == Fit.ladder.last, visible >= 1 else { continue }
            let maximumOffset = rows.count - visible
            let offset = min(max(0, snapshot.tableOffset), maximumOffset)
            let position = " rows \(offset + 1)-\(offset + visible) of \(rows.count)"
            let note = [ScreenLine(position + " · ↓↑ j/k PgDn/PgUp scroll", .dim), ScreenLine(position, .dim)]
            lines = top + [heading, header] + Array(rows[offset..<(offset + visible)]) + [note.first { $0.width <= width } ?? Self.clipped(note[1], width)] + notes
            return Body(lines: lines, viewport: TopViewport(tableRows: visible, tableMaximumOffset: maximumOffset, listRows: 0))
        }
        guard room > 0 else { return Body() }
        return Body(lines: Array(lines.prefix(room)))
    }

    /// `WORST BY TENANT  3 of 412 values, most settled loss first`.
    static func groupsHeading(_ grouped: GroupedFunnel, width: Int) -> ScreenLine {
        var line = ScreenLine(" WORST BY \(grouped.by.uppercased())", .bold)
        let shown = grouped.groups.count
        let count = shown == grouped.groupCount ? "\(shown) value\(shown == 1 ? "" : "s")" : "\(shown) of \(grouped.groupCount) values"
        for hint in ["   \(count), most settled loss first", "   \(count)", ""] where line.width + hint.count <= width {
            line.append(hint, .dim)
            break
        }
        return Self.clipped(line, width)
    }

    /// The header and one row per group; SHARE is the group's part of the pipeline's settled loss.
    static func groupRows(_ grouped: GroupedFunnel, pipelineLost: UInt64?, width: Int) -> (ScreenLine, [ScreenLine]) {
        let names = grouped.groups.map { Self.valueName($0.value) }
        let (columns, valueWidth) = GroupColumn.layout(width: width, longest: names.map(\.count).max() ?? 0)
        var header = ScreenLine("  " + Self.padded(grouped.by.uppercased(), valueWidth), .bold)
        for column in columns { header.append(Self.leftPadded(column.title, column.width), .bold) }
        let total = pipelineLost ?? grouped.groups.reduce(UInt64(0)) { $0.addingReportingOverflow($1.totals.lost).partialValue }
        let rows = zip(grouped.groups, names).map { group, name in
            var line = ScreenLine("  ")
            let special = group.value.isEmpty || group.value == LabelSet.otherValue
            line.append(Self.middleClipped(name, valueWidth), group.totals.lost > 0 ? [.bold, .red] : special ? .dim : [.bold])
            let totals = group.totals
            for column in columns {
                let cell = column.width
                switch column.kind {
                case .lost: line.append(Self.count(totals.lost, cell, style: totals.lost > 0 ? [.bold, .red] : .dim))
                case .share:
                    let share = total == 0 ? "-" : NumberText.percent(Double(totals.lost) / Double(total))
                    line.append(Self.leftPadded(share, cell), totals.lost > 0 ? [.bold] : .dim)
                case .delivery:
                    if let ratio = totals.deliveryRatio {
                        line.append(Self.leftPadded(NumberText.percent(ratio, digits: 2), cell), [.bold, ratio >= 0.999 ? .green : ratio >= 0.99 ? .yellow : .red])
                    } else {
                        line.append(Self.leftPadded("n/a", cell), .dim)
                    }
                case .inFlight: line.append(Self.count(totals.inFlight, cell, style: .cyan))
                case .ingested: line.append(Self.count(totals.ingested, cell, style: []))
                }
            }
            return line
        }
        return (header, rows)
    }

    /// What the special values mean, when they appear.
    static func groupNotes(_ grouped: GroupedFunnel, width: Int) -> [ScreenLine] {
        var notes: [ScreenLine] = []
        if grouped.groups.contains(where: { $0.value == LabelSet.otherValue }) {
            let candidates = [
                " \(LabelSet.otherValue): values past limits.max_label_values, counted together; the pipeline's totals stay exact",
                " \(LabelSet.otherValue): values past limits.max_label_values",
            ]
            notes.append(ScreenLine(candidates.first { $0.count <= width } ?? Self.clipped(candidates[1], width), .dim))
        }
        return notes
    }

    /// How a value reads on screen: `(none)` for reports that left the label out.
    static func valueName(_ value: String) -> String {
        value.isEmpty ? "(none)" : value
    }
}
