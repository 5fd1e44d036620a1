import FunnelCore

/// The stage table: one row per stage and per hop between stages.
extension TopScreen {
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
}
