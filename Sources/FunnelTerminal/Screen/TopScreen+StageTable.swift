import FunnelCore

/// The stage table: one row per stage and per hop between stages, and a line saying what it hides.
extension TopScreen {
    /// The table's lines and what the note under it says.
    struct StageTable {
        var header: ScreenLine
        /// Stage and hop rows, in pipeline order.
        var rows: [ScreenLine]
        /// The row of the one place where most events die, if it has a row.
        var worstRow: Int?
        var worst: WorstLoss
        /// Hops left out of `rows`: how many, and what they lost and hold in flight.
        var hiddenHops = 0
        var hiddenLost: UInt64 = 0
        var hiddenInFlight: UInt64 = 0
    }

    static func stageTable(_ funnel: PipelineFunnel, snapshot: TopSnapshot, width: Int, transit mode: Fit.TransitRows) -> StageTable {
        let nameWidth = min(22, max(funnel.stages.map(\.name.count).max() ?? 0, 9) + 2)
        let recovery = funnel.stages.contains { $0.redelivered > 0 || $0.redriven > 0 || $0.replayed > 0 }
        let columns = StageTableColumn.layout(width: width, nameWidth: nameWidth, recovery: recovery)
        let scale = funnel.stages.map(\.received).max() ?? 0
        let worst = WorstLoss(funnel)

        var header = ScreenLine()
        for column in columns {
            switch column.kind {
            case .name: header.append(" " + Self.padded(column.title, column.width - 1), .bold)
            case .bar: header.append(" " + Self.padded(column.width >= 26 ? "FUNNEL █ passed ░ not passed" : column.title, column.width - 1), .bold)
            default: header.append(Self.leftPadded(column.title, column.width), .bold)
            }
        }
        var table = StageTable(header: header, rows: [], worst: worst)
        for (index, stage) in funnel.stages.enumerated() {
            if index > 0, index - 1 < funnel.transit.count {
                let hop = funnel.transit[index - 1]
                let show = mode == .all || (mode == .lossy && (hop.lost > 0 || hop.inFlight > 0 || hop.excess > 0))
                let mark = worst.mark(.transit(index - 1))
                if show {
                    if mark == .worst { table.worstRow = table.rows.count }
                    table.rows.append(Self.transitRow(hop, columns: columns, mark: mark))
                } else {
                    table.hiddenHops += 1
                    table.hiddenLost += hop.lost
                    table.hiddenInFlight += hop.inFlight
                }
            }
            let mark = worst.mark(.stage(index))
            if mark == .worst { table.worstRow = table.rows.count }
            table.rows.append(Self.stageRow(stage, columns: columns, scale: scale, rate: snapshot.stageRates[stage.name], mark: mark))
        }
        return table
    }

    static func stageRow(_ stage: StageFunnel, columns: [StageTableColumn], scale: UInt64, rate: Double?, mark: LossMark) -> ScreenLine {
        var line = ScreenLine()
        let isWorst = mark == .worst
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
            case .retried: line.append(Self.count(stage.redelivered, cell, style: .dim))
            case .recovered: line.append(Self.count(stage.redriven.addingSaturated(stage.replayed), cell, style: .green))
            case .lost: line.append(Self.count(stage.lost, cell, style: isWorst ? [.bold, .red] : .red))
            case .share: line.append(Self.share(stage.lossShare, lost: stage.lost, cell, mark: mark))
            case .inFlight: line.append(Self.count(stage.inFlight, cell, style: .cyan))
            case .p50: line.append(Self.latency(stage.latencyMs.p50, cell))
            case .p95: line.append(Self.latency(stage.latencyMs.p95, cell))
            case .p99: line.append(Self.latency(stage.latencyMs.p99, cell))
            }
        }
        return line
    }

    static func transitRow(_ hop: TransitFunnel, columns: [StageTableColumn], mark: LossMark) -> ScreenLine {
        var line = ScreenLine()
        let isWorst = mark == .worst
        let quiet = hop.lost == 0 && hop.inFlight == 0 && hop.excess == 0
        for column in columns {
            let cell = column.width
            switch column.kind {
            case .name: line.append(Self.padded("  ↓ transit", cell), isWorst ? [.bold, .red] : .dim)
            case .bar:
                let text = hop.excess > 0 ? " excess \(NumberText.count(hop.excess))" : ""
                line.append(Self.padded(text, cell), .yellow)
            case .lost: line.append(Self.count(hop.lost, cell, style: isWorst ? [.bold, .red] : .red))
            case .share: line.append(Self.share(hop.lossShare, lost: hop.lost, cell, mark: mark))
            case .inFlight: line.append(Self.count(hop.inFlight, cell, style: .cyan))
            default: line.append(String(repeating: " ", count: cell))
            }
        }
        return quiet ? ScreenLine(line.plainText, .dim) : line
    }

    static func count(_ value: UInt64, _ cell: Int, style: TextStyle) -> ScreenLine {
        ScreenLine(Self.leftPadded(NumberText.count(value, width: cell - 1), cell), value == 0 ? .dim : style)
    }

    static func share(_ share: Double, lost: UInt64, _ cell: Int, mark: LossMark) -> ScreenLine {
        guard lost > 0 else { return ScreenLine(Self.leftPadded("-", cell - 2) + "  ", .dim) }
        var line = ScreenLine(Self.leftPadded(NumberText.percent(share), cell - 2), mark == .worst ? [.bold, .red] : .red)
        switch mark {
        case .worst: line.append(" ◀", [.bold, .red])
        case .tie: line.append(" =", [.bold, .red])
        case .none: line.append("  ")
        }
        return line
    }

    static func latency(_ millis: Double?, _ cell: Int) -> ScreenLine {
        ScreenLine(Self.leftPadded(NumberText.latency(millis), cell), millis == nil ? .dim : [])
    }

    // MARK: The note under the table

    /// One line under the table, when it hides something: the hops left out with their loss, which rows are on
    /// screen when it scrolls (`shown`), and a tie for where most events die. Empty when there is nothing to say.
    static func tableNotes(_ table: StageTable, showing shown: Range<Int>?, width: Int) -> [ScreenLine] {
        var segments: [(long: ScreenLine, short: ScreenLine)] = []
        if table.hiddenHops > 0 {
            var lost = ScreenLine("\(table.hiddenLost) lost", table.hiddenLost > 0 ? [.bold, .red] : .dim)
            if table.hiddenInFlight > 0 { lost.append(", \(table.hiddenInFlight) in flight", .cyan) }
            var long = ScreenLine("… \(table.hiddenHops) transit hop\(table.hiddenHops == 1 ? "" : "s") hidden: ", .dim)
            long.append(lost)
            var short = ScreenLine("… \(table.hiddenHops) hops hidden: ", .dim)
            short.append(lost)
            segments.append((long, short))
        }
        if let shown, shown.count < table.rows.count {
            var position = "rows \(shown.lowerBound + 1)-\(shown.upperBound) of \(table.rows.count)"
            if let worst = table.worstRow, !shown.contains(worst) { position += worst < shown.lowerBound ? ", ◀ above" : ", ◀ below" }
            segments.append((ScreenLine(position + " · j/k PgUp/PgDn", .dim), ScreenLine(position, .dim)))
        }
        if let tie = table.worst.tieDescription {
            segments.append((ScreenLine(tie.long, .yellow), ScreenLine(tie.short, .yellow)))
        }
        guard !segments.isEmpty else { return [] }
        func joined(short: Int, kept: Int) -> ScreenLine {
            var line = ScreenLine()
            for index in 0..<kept {
                line.append(index == 0 ? " " : "   ")
                line.append(index >= segments.count - short ? segments[index].short : segments[index].long)
            }
            return line
        }
        // Shorten the least important segments first, then leave them out; the hidden loss stays to the last.
        var candidates = (0...segments.count).map { joined(short: $0, kept: segments.count) }
        candidates += stride(from: segments.count - 1, through: 1, by: -1).map { joined(short: segments.count, kept: $0) }
        return [candidates.first { $0.width <= width } ?? Self.clipped(candidates.last!, width)]
    }
}

/// How a stage or hop row is marked in the share column.
enum LossMark: Sendable, Hashable {
    /// The one place where most events die: `◀`.
    case worst
    /// One of several places that lose the most, as many as each other: `=`.
    case tie
    case none
}

/// A stage or a hop of the stage table.
enum LossPlace: Sendable, Hashable {
    case stage(Int)
    case transit(Int)
}

/// Where the pipeline loses the most events: one place, several that tie, or none when nothing is lost.
struct WorstLoss: Sendable, Hashable {
    /// Every place that lost `lost` events, the most of any; empty when nothing is lost.
    var places: [LossPlace] = []
    var lost: UInt64 = 0

    init(_ funnel: PipelineFunnel) {
        let candidates = funnel.stages.enumerated().map { (LossPlace.stage($0.offset), $0.element.lost) }
            + funnel.transit.enumerated().map { (LossPlace.transit($0.offset), $0.element.lost) }
        self.lost = candidates.map(\.1).max() ?? 0
        if self.lost > 0 { self.places = candidates.filter { $0.1 == self.lost }.map(\.0) }
    }

    func mark(_ place: LossPlace) -> LossMark {
        guard self.places.contains(place) else { return .none }
        return self.places.count == 1 ? .worst : .tie
    }

    /// What the note says when several places tie, e.g. `12 stages tie for most lost (2 each)`; nil without a tie.
    var tieDescription: (long: String, short: String)? {
        guard self.places.count > 1 else { return nil }
        let stages = self.places.filter { if case .stage = $0 { true } else { false } }.count
        let hops = self.places.count - stages
        let parts = [
            stages > 0 ? "\(stages) stage\(stages == 1 ? "" : "s")" : nil,
            hops > 0 ? "\(hops) transit hop\(hops == 1 ? "" : "s")" : nil,
        ].compactMap { $0 }
        return ("= \(parts.joined(separator: " and ")) tie for most lost (\(self.lost) each)", "= \(self.places.count)-way tie, \(self.lost) lost each")
    }
}
