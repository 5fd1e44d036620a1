import Foundation
import FunnelCore

/// A small SVG chart over time: bars (settled loss per bucket) or steps (a queue's depth), with the largest value
/// and the time range on its axes.
struct TimeChart {
    /// One bar or point: when it starts, its value, and whether it is final (an unsettled bucket is drawn pale).
    struct Point {
        var millis: Int64
        var value: UInt64
        var final: Bool = true
    }

    enum Style { case bars, steps }

    var title: String
    var style: Style
    var points: [Point]
    /// The range drawn, Unix milliseconds.
    var fromMillis: Int64
    var toMillis: Int64
    /// Width of one bar, milliseconds (a bucket).
    var barMillis: Int64 = 60_000
    /// The most bars drawn: neighbouring buckets are added together past it.
    static let maximumBars = 240

    static let width = 1000.0
    static let height = 160.0
    static let left = 110.0
    static let bottom = 34.0

    /// Bars merged so that at most ``maximumBars`` are drawn, each the sum of the buckets it covers.
    func mergedBars() -> (points: [Point], widthMillis: Int64) {
        let span = max(1, self.toMillis - self.fromMillis)
        let perBar = max(self.barMillis, (span / Int64(Self.maximumBars) / self.barMillis + 1) * self.barMillis)
        var merged: [Int64: Point] = [:]
        for point in self.points {
            let slot = self.fromMillis + (point.millis - self.fromMillis) / perBar * perBar
            var bar = merged[slot] ?? Point(millis: slot, value: 0, final: true)
            bar.value = bar.value.addingSaturated(point.value)
            bar.final = bar.final && point.final
            merged[slot] = bar
        }
        return (merged.values.sorted { $0.millis < $1.millis }, perBar)
    }

    func svg() -> String {
        let plotWidth = Self.width - Self.left - 8
        let plotHeight = Self.height - Self.bottom - 8
        let span = Double(max(1, self.toMillis - self.fromMillis))
        func x(_ millis: Int64) -> Double { Self.left + plotWidth * Double(millis - self.fromMillis) / span }
        let drawn: (points: [Point], widthMillis: Int64) = self.style == .bars ? self.mergedBars() : (self.points, 0)
        let top = max(1, drawn.points.map(\.value).max() ?? 1)
        func y(_ value: UInt64) -> Double { 8 + plotHeight * (1 - Double(value) / Double(top)) }
        var svg = #"<svg class="time-chart" viewBox="0 0 \#(Int(Self.width)) \#(Int(Self.height))" role="img" xmlns="http://www.w3.org/2000/svg">"#
        svg += "<title>\(HTMLText.escape(self.title))</title>"
        svg += #"<line class="axis" x1="\#(Self.left)" y1="\#(Self.number(8 + plotHeight))" x2="\#(Self.number(Self.width - 8))" y2="\#(Self.number(8 + plotHeight))"/>"#
        svg += #"<text class="tick" x="\#(Self.left - 6)" y="30" text-anchor="end">\#(FigureText.count(top))</text>"#
        svg += #"<text class="tick" x="\#(Self.left - 6)" y="\#(Self.number(8 + plotHeight))" text-anchor="end">0</text>"#
        let withDay = self.toMillis - self.fromMillis > 20 * 3_600_000
        svg += #"<text class="tick" x="\#(Self.left)" y="\#(Int(Self.height - 4))">\#(FigureText.clock(self.fromMillis, withDay: withDay))</text>"#
        svg += #"<text class="tick" x="\#(Self.number(Self.width - 8))" y="\#(Int(Self.height - 4))" text-anchor="end">\#(FigureText.clock(self.toMillis, withDay: withDay)) UTC</text>"#
        switch self.style {
        case .bars:
            let barWidth = max(1, plotWidth * Double(drawn.widthMillis) / span - 1)
            for bar in drawn.points where bar.value > 0 {
                let top = y(bar.value)
                svg += #"<rect class="bar\#(bar.final ? "" : " unsettled")" x="\#(Self.number(x(bar.millis)))" y="\#(Self.number(top))" width="\#(Self.number(barWidth))" height="\#(Self.number(8 + plotHeight - top))"><title>\#(FigureText.clock(bar.millis, withDay: true)): \#(FigureText.count(bar.value))\#(bar.final ? "" : " (not settled yet)")</title></rect>"#
            }
        case .steps:
            var path = ""
            for point in drawn.points where point.millis >= self.fromMillis {
                path += path.isEmpty ? "M\(Self.number(x(point.millis))),\(Self.number(y(point.value)))" : "H\(Self.number(x(point.millis)))V\(Self.number(y(point.value)))"
            }
            if let last = drawn.points.last { path += "H\(Self.number(x(max(last.millis, self.toMillis))))" }
            if !path.isEmpty { svg += #"<path class="line" d="\#(path)"/>"# }
        }
        return svg + "</svg>"
    }

    static func number(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
