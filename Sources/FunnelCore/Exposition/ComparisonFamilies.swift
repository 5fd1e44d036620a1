/// The comparison families in `/metrics`: each comparison's delivery ratios, backfill and input mismatch over every
/// bucket both pipelines have settled within retention.
public struct ComparisonFamilies: MetricsSource {
    /// The comparisons, as configured, each with its report.
    public var reports: [ComparisonReport]

    /// The reports of `comparisons` over `ledger`. O(retained buckets of the compared pipelines).
    public init(_ ledger: borrowing FunnelLedger, comparisons: [Comparison]) {
        var reports: [ComparisonReport] = []
        for comparison in comparisons { reports.append(ledger.comparison(comparison)) }
        self.reports = reports
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
    }
}
