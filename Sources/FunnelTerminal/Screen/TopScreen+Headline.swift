import FunnelCore

/// The selected pipeline's headline: delivery ratio, ingested, delivered, lost, in flight, end-to-end p95.
extension TopScreen {
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
}
