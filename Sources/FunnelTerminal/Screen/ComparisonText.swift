public import FunnelCore

/// What `funnel compare` prints: the two pipelines side by side, the verdict and the backfill, or the backfill
/// windows alone, for a replay tool.
public struct ComparisonText: Sendable {
    public var report: ComparisonReport

    public init(_ report: ComparisonReport) {
        self.report = report
    }

    /// How `--backfill` writes the windows.
    public enum BackfillFormat: String, Sendable, CaseIterable {
        /// One `{"from": "...", "to": "...", "events": N}` a line.
        case ndjson
        /// A `from,to,events` header, then one window a line.
        case csv
    }

    /// The side-by-side table, the input check, the backfill and the verdict.
    public func lines() -> [String] {
        let report = self.report
        var lines = ["\(report.name): \(report.baseline.pipeline) (baseline) against \(report.candidate.pipeline) (candidate)"]
        var range = "\(report.settledBuckets) settled bucket\(report.settledBuckets == 1 ? "" : "s") of \(DurationText.format(seconds: report.bucketSeconds))"
        if let from = report.from { range += " from \(from)" }
        if let to = report.to { range += " to \(to)" }
        range += report.settledBefore.map { ", settled in both before \($0)" } ?? ", nothing settled in both yet"
        lines.append(range)
        lines.append("")
        var table = TextTable(headers: ["", "BASELINE", "CANDIDATE"], rightAligned: [false, true, true])
        table.append(["pipeline", report.baseline.pipeline + (report.baseline.known ? "" : " (not seen)"), report.candidate.pipeline + (report.candidate.known ? "" : " (not seen)")])
        let flow: [(String, KeyPath<ComparisonSide, UInt64>)] = [("ingested", \.ingested), ("delivered", \.delivered)]
        for (title, figure) in flow {
            table.append([title, Self.count(report.baseline[keyPath: figure]), Self.count(report.candidate[keyPath: figure])])
        }
        table.append(["delivery ratio", Self.percent(report.baseline.deliveryRatio), Self.percent(report.candidate.deliveryRatio)])
        let loss: [(String, KeyPath<ComparisonSide, UInt64>)] = [("lost", \.lost), ("failed", \.failed), ("recoverable", \.recoverable), ("net missing", \.netMissing)]
        for (title, figure) in loss {
            table.append([title, Self.count(report.baseline[keyPath: figure]), Self.count(report.candidate[keyPath: figure])])
        }
        var stages = report.baseline.stages.map(\.name)
        stages += report.candidate.stages.map(\.name).filter { !stages.contains($0) }
        for stage in stages {
            let baseline = report.baseline.stages.first { $0.name == stage }
            let candidate = report.candidate.stages.first { $0.name == stage }
            table.append(["  lost at \(stage)", baseline.map { Self.count($0.lost) } ?? "-", candidate.map { Self.count($0.lost) } ?? "-"])
        }
        lines += table.lines()
        lines.append("")
        lines.append(
            report.inputMismatch == 0
                ? "input: the same in both (0 events apart)"
                : "input: \(Self.count(report.inputMismatch)) events apart; the duplication is broken, so the backfill is not exact"
        )
        let windows = report.backfillWindows.count
        lines.append(
            "backfill: \(Self.count(report.backfillEvents)) events in \(windows) window\(windows == 1 ? "" : "s")"
                + (windows > 0 ? " (funnel compare \(report.name) --backfill lists them)" : "")
        )
        lines.append("verdict: \(report.verdict.outcome.rawValue): \(report.verdict.summary)")
        return lines
    }

    /// The backfill windows in `format`, one a line, each line ended.
    public func backfill(_ format: BackfillFormat) -> String {
        switch format {
        case .ndjson:
            return self.report.backfillWindows.map { #"{"from":"\#($0.from)","to":"\#($0.to)","events":\#($0.events)}"# + "\n" }.joined()
        case .csv:
            return "from,to,events\n" + self.report.backfillWindows.map { "\($0.from),\($0.to),\($0.events)\n" }.joined()
        }
    }

    static func count(_ value: UInt64) -> String { String(value) }

    static func percent(_ ratio: Double?) -> String { ratio.map { NumberText.percent($0, digits: 2) } ?? "n/a" }
}
