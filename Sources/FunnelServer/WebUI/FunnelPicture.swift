import FunnelCore
import Foundation

/// The funnel of a pipeline drawn as SVG: a bar per stage scaled to what it received, split into what it passed on,
/// failed, dead-lettered, silently lost and still holds; the transit loss between stages drawn between their bars;
/// and the place where most events die marked.
struct FunnelPicture {
    let funnel: PipelineFunnel

    /// Where the most settled events were lost: a stage (silently) or the hop into a stage (in transit).
    enum Worst: Equatable {
        case stage(String)
        case hop(from: String, to: String)
    }

    /// The stage or hop that lost the most events, or nil when nothing was lost.
    var worst: Worst? {
        var worst: (Worst, UInt64)?
        for stage in self.funnel.stages where stage.lost > (worst?.1 ?? 0) { worst = (.stage(stage.name), stage.lost) }
        for hop in self.funnel.transit where hop.lost > (worst?.1 ?? 0) { worst = (.hop(from: hop.from, to: hop.to), hop.lost) }
        return worst?.0
    }

    static let width = 1000.0
    static let rowHeight = 58.0
    static let hopHeight = 30.0
    static let barHeight = 26.0

    /// The segments of a stage's bar, in drawing order: class, title, count.
    static func segments(of stage: StageFunnel) -> [(kind: String, title: String, count: UInt64)] {
        [
            ("passed", "passed on", stage.passed), ("failed", "failed", stage.failed), ("dead-lettered", "dead-lettered", stage.deadLettered),
            ("lost", "lost silently", stage.lost), ("in-flight", "in flight", stage.inFlight),
        ]
    }

    /// The SVG element: `narrow` for phones (names above the bars, the captions on lines of their own), else wide.
    func svg(narrow: Bool = false) -> String {
        let width = narrow ? 440.0 : Self.width
        let nameLine = narrow ? 20.0 : 0
        let rowHeight = Self.rowHeight + nameLine
        let stages = self.funnel.stages
        let widest = max(1, stages.map { Self.total(of: $0) }.max() ?? 1)
        let height = Double(stages.count) * rowHeight + Double(max(0, stages.count - 1)) * Self.hopHeight + 8
        let worst = self.worst
        let id = narrow ? "funnel-picture-narrow" : "funnel-picture-wide"
        var svg = #"<svg class="funnel-picture \#(narrow ? "narrow" : "wide")" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" aria-labelledby="\#(id)" xmlns="http://www.w3.org/2000/svg">"#
        svg += #"<title id="\#(id)">Funnel of pipeline \#(HTMLText.escape(self.funnel.pipeline))</title>"#
        if stages.isEmpty { return svg + "</svg>" }
        let mark = " ◀ most events die here"
        var y = 4.0
        for (index, stage) in stages.enumerated() {
            let isWorst = worst == .stage(stage.name)
            let total = Self.total(of: stage)
            let barWidth = max(2, width * (narrow ? 0.96 : 0.62) * Double(total) / Double(widest))
            var x = (width - barWidth) / 2
            svg += #"<g class="stage\#(isWorst ? " worst" : "")" data-stage="\#(HTMLText.escape(stage.name))">"#
            if narrow {
                svg += #"<text class="stage-name" x="\#(Self.number((width - width * 0.96) / 2))" y="\#(Self.number(y + 14))">\#(HTMLText.escape(stage.name))\#(isWorst ? mark : "")</text>"#
            } else {
                svg += #"<text class="stage-name" x="\#(Self.number(x - 10))" y="\#(Self.number(y + Self.barHeight * 0.7))" text-anchor="end">\#(HTMLText.escape(stage.name))</text>"#
            }
            let barTop = y + nameLine
            for segment in Self.segments(of: stage) where segment.count > 0 && total > 0 {
                let segmentWidth = barWidth * Double(segment.count) / Double(total)
                svg += #"<rect class="segment \#(segment.kind)" x="\#(Self.number(x))" y="\#(Self.number(barTop))" width="\#(Self.number(segmentWidth))" height="\#(Int(Self.barHeight))"><title>\#(FigureText.count(segment.count)) \#(segment.title)</title></rect>"#
                x += segmentWidth
            }
            if total == 0 {
                svg += #"<rect class="segment empty" x="\#(Self.number((width - 2) / 2))" y="\#(Self.number(barTop))" width="2" height="\#(Int(Self.barHeight))"/>"#
            }
            var caption = "\(FigureText.count(stage.received)) received · \(FigureText.count(stage.passed)) passed on"
            if stage.lost > 0 {
                let share = stage.settled.received > 0 ? Double(stage.lost) / Double(stage.settled.received) : nil
                caption += " · \(FigureText.count(stage.lost)) lost (\(FigureText.percent(share)))"
            }
            if stage.inFlight > 0 { caption += " · \(FigureText.count(stage.inFlight)) in flight" }
            svg += #"<text class="stage-caption" x="\#(Int(width / 2))" y="\#(Self.number(barTop + Self.barHeight + 18))" text-anchor="middle">\#(caption)\#(isWorst && !narrow ? mark : "")</text>"#
            svg += "</g>"
            y += rowHeight
            if index + 1 < stages.count, let hop = self.funnel.transit.first(where: { $0.from == stage.name && $0.to == stages[index + 1].name }) {
                let isWorstHop = worst == .hop(from: hop.from, to: hop.to)
                let share = hop.passed > 0 ? Double(hop.lost) / Double(hop.passed) : nil
                let text = hop.lost > 0 ? "↓ \(FigureText.count(hop.lost)) lost in transit (\(FigureText.percent(share)))" : "↓"
                svg += #"<g class="hop\#(hop.lost > 0 ? " losing" : "")\#(isWorstHop ? " worst" : "")" data-from="\#(HTMLText.escape(hop.from))" data-to="\#(HTMLText.escape(hop.to))">"#
                svg += #"<text x="\#(Int(width / 2))" y="\#(Self.number(y + 4))" text-anchor="middle">\#(text)\#(isWorstHop ? (narrow ? " ◀" : mark) : "")</text></g>"#
            }
            y += Self.hopHeight
        }
        return svg + "</svg>"
    }

    /// What a stage's bar stands for: what it received, or its outcomes when they add up to more.
    static func total(of stage: StageFunnel) -> UInt64 {
        max(stage.received, Self.segments(of: stage).map(\.count).reduce(0, { $0.addingSaturated($1) }))
    }

    static func number(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
