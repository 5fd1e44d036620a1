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
        if totals.recovered > 0 || totals.recoverable > 0 {
            items.append(Self.figure("recovered", String(totals.recovered), style: [.bold, .green]))
            items.append(Self.figure("recoverable", String(totals.recoverable), style: totals.recoverable > 0 ? [.bold, .yellow] : [.bold]))
            items.append(Self.figure("net missing", String(totals.netMissing), style: totals.netMissing > 0 ? [.bold, .red] : [.bold]))
        }
        if let lagging = funnel.stages.filter({ $0.watermarkLagSeconds != nil }).max(by: { $0.watermarkLagSeconds! < $1.watermarkLagSeconds! }) {
            let lag = lagging.watermarkLagSeconds ?? 0
            items.append(Self.figure("watermark lag", NumberText.latency(lag * 1000) + " (\(lagging.name))", style: lag > 60 ? [.bold, .yellow] : [.bold]))
        }
        items.append(Self.figure("e2e p95", NumberText.latency(funnel.endToEndLatencyMs.p95) + " (\(funnel.latencyWindow.rawValue))"))

        // The first four are what on-call came for: the name gives way to them, and they wrap rather than go.
        let keyItems = 4
        let keyWidth = items.prefix(keyItems).reduce(0) { $0 + $1.width }
        let shortestName = min(funnel.pipeline.count, 8)
        var separator = "   "
        var name = funnel.pipeline
        if width - 1 - keyWidth - 3 * keyItems >= shortestName {
            name = Self.clipped(name, width - 1 - keyWidth - 3 * keyItems)
        } else if width - 1 - keyWidth - 2 * keyItems >= shortestName {
            separator = "  "
            name = Self.clipped(name, width - 1 - keyWidth - 2 * keyItems)
        } else {
            name = Self.clipped(name, width - 1)
        }

        var lines: [ScreenLine] = []
        var line = ScreenLine(" ")
        line.append(name, [.bold, .cyan])
        let indent = String(repeating: " ", count: min(name.count + 1, 12))
        for (index, item) in items.enumerated() {
            if line.width + separator.count + item.width > width {
                if index >= keyItems, lines.count + 1 >= maximumLines { break }
                lines.append(line)
                line = ScreenLine(indent)
            }
            line.append(separator)
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
