/// The comparison families in `/metrics`: each comparison's delivery ratios, backfill and input mismatch over every
/// bucket both pipelines have settled within retention, and the input mismatch over the window of each
/// `input_mismatch_above` alarm, as that alarm measures it (so a Prometheus rule can threshold the same figure).
public struct ComparisonFamilies: MetricsSource {
    /// The comparisons, as configured, each with its report.
    public var reports: [ComparisonReport]
    /// The input mismatch over each alarm window that has settled buckets on both sides: comparison, window, events.
    public var windowMismatches: [(comparison: String, windowSeconds: Int64, events: UInt64)]

    /// The reports of `comparisons` over `ledger`, and their input mismatch over each of `mismatchWindows` (seconds,
    /// by comparison name). O(retained buckets of the compared pipelines) per report and window.
    public init(_ ledger: borrowing FunnelLedger, comparisons: [Comparison], mismatchWindows: [String: [Int64]] = [:]) {
        var reports: [ComparisonReport] = []
        var windowMismatches: [(comparison: String, windowSeconds: Int64, events: UInt64)] = []
        for comparison in comparisons {
            reports.append(ledger.comparison(comparison))
            for window in mismatchWindows[comparison.name] ?? [] {
                guard let recent = ledger.recentComparison(comparison, windowSeconds: window) else { continue }
                windowMismatches.append((comparison.name, window, recent.inputMismatch))
            }
        }
        self.reports = reports
        self.windowMismatches = windowMismatches
    }

    /// The distinct windows of the `input_mismatch_above` alarms among `alarms`, by comparison name, shortest first.
    public static func mismatchWindows(of alarms: [AlarmRule]) -> [String: [Int64]] {
        var windows: [String: Set<Int64>] = [:]
        for alarm in alarms {
            guard case .comparison(let comparison, .inputMismatch, let window) = alarm.kind else { continue }
            windows[comparison.name, default: []].insert(window)
        }
        return windows.mapValues { $0.sorted() }
    }

    /// Writes the three families, when a comparison is configured; a side with nothing settled has no ratio.
    public func emit(into writer: inout ExpositionWriter) {
        guard !self.reports.isEmpty else { return }
        writer.family(
            "funnel_comparison_delivery_ratio", .gauge,
            help: "Delivered over ingested of each side of a comparison, over the buckets both pipelines have settled, within retention."
        )
        for report in self.reports {
            for (side, figures) in [("baseline", report.baseline), ("candidate", report.candidate)] {
                guard let ratio = figures.deliveryRatio else { continue }
                writer.sample(ExpositionWriter.labels(["comparison": report.name, "side": side]), ratio)
            }
        }
        writer.family(
            "funnel_comparison_backfill_events", .gauge,
            help: "Events the candidate delivered and the baseline did not, summed per settled bucket: what a backfill of the baseline replays."
        )
        for report in self.reports { writer.sample(ExpositionWriter.labels(["comparison": report.name]), report.backfillEvents) }
        writer.family(
            "funnel_comparison_input_mismatch_events", .gauge,
            help: "Sum per settled bucket of the difference between what the two pipelines ingested: 0 when they saw the same input."
        )
        for report in self.reports { writer.sample(ExpositionWriter.labels(["comparison": report.name]), report.inputMismatch) }
        guard !self.windowMismatches.isEmpty else { return }
        writer.family(
            "funnel_comparison_window_input_mismatch_events", .gauge,
            help: "Sum per settled bucket of the difference between what the two pipelines ingested, over the window of an input_mismatch_above alarm."
        )
        for mismatch in self.windowMismatches {
            let window = DurationText.format(seconds: mismatch.windowSeconds)
            writer.sample(ExpositionWriter.labels(["comparison": mismatch.comparison, "window": window]), mismatch.events)
        }
    }
}
