import FunnelCore

/// The dead-letter queues of the selected pipeline.
extension TopScreen {
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
}
