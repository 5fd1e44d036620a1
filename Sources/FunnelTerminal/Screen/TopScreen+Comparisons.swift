import FunnelCore

/// The overview's line under a comparison's candidate pipeline: both delivery ratios and the backfill so far.
extension TopScreen {
    /// One line per comparison whose candidate is `pipeline`, e.g.
    /// `     ⇄ orders-migration vs orders-v1: 93.33% → 99.98% delivered, backfill 399`.
    static func comparisonLines(under pipeline: String, _ comparisons: [ComparisonReport], width: Int) -> [ScreenLine] {
        comparisons.filter { $0.candidate.pipeline == pipeline }.map { report in
            var line = ScreenLine("     ⇄ ", .cyan)
            line.append("\(report.name) vs \(report.baseline.pipeline): ", .dim)
            line.append(Self.ratio(report.baseline.deliveryRatio), .dim)
            line.append(" → ", .dim)
            let better = report.verdict.outcome == .candidateBetter || report.verdict.outcome == .equal
            line.append(Self.ratio(report.candidate.deliveryRatio), report.verdict.outcome == .insufficientData ? .dim : better ? [.bold, .green] : [.bold, .red])
            line.append(" delivered, backfill \(NumberText.count(report.backfillEvents))", .dim)
            if report.inputMismatch > 0 { line.append(", input \(NumberText.count(report.inputMismatch)) apart", .yellow) }
            return Self.clipped(line, width)
        }
    }

    private static func ratio(_ ratio: Double?) -> String {
        ratio.map { NumberText.percent($0, digits: 2) } ?? "n/a"
    }
}
