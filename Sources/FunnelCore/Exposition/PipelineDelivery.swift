/// Each pipeline's settled delivery figures in `/metrics`: delivery ratio, and what is recoverable or missing.
///
/// Over settled buckets within retention, the same figures as the whole-retention funnel's ``FunnelTotals``.
public struct PipelineDelivery: MetricsSource {
    /// The pipelines that have settled counts, in the ledger's order.
    public var figures: [(pipeline: String, recovery: RecoveryFigures)]
    /// The pipelines that declare a delivery objective, with their budgets, in the ledger's order.
    public var budgets: [(pipeline: String, budget: ErrorBudget)]

    /// The figures of the pipelines of `ledger`; a pipeline with nothing settled has none. O(pipelines x stages).
    public init(_ ledger: borrowing FunnelLedger) {
        self.figures = ledger.pipelines.compactMap { pipeline in
            let recovery = pipeline.recovery
            return recovery.ingested == 0 ? nil : (pipeline.name, recovery)
        }
        self.budgets = ledger.pipelines.compactMap { pipeline in ledger.errorBudget(pipeline: pipeline.name).map { (pipeline.name, $0) } }
    }

    /// Writes one sample per pipeline and family.
    public func emit(into writer: inout ExpositionWriter) {
        let labels = self.figures.map { ExpositionWriter.labels(["pipeline": $0.pipeline]) }
        writer.family("funnel_pipeline_delivery_ratio", .gauge, help: "Delivered (passed by the last stage) over ingested (received by the first), settled, within retention.")
        for (index, entry) in self.figures.enumerated() { writer.sample(labels[index], entry.recovery.deliveryRatio ?? 0) }
        writer.family(
            "funnel_pipeline_recoverable_delivery_ratio", .gauge,
            help: "Delivered plus what the dead-letter queues still hold (dead-lettered, not redriven) over ingested, settled, within retention."
        )
        for (index, entry) in self.figures.enumerated() { writer.sample(labels[index], entry.recovery.recoverableDeliveryRatio ?? 0) }
        writer.family("funnel_pipeline_recoverable_events", .gauge, help: "Events dead-lettered and not redriven, at every stage, settled, within retention.")
        for (index, entry) in self.figures.enumerated() { writer.sample(labels[index], entry.recovery.recoverable) }
        writer.family(
            "funnel_pipeline_net_missing_events", .gauge,
            help: "Ingested minus delivered, failed and recoverable, settled, within retention: events gone with no way back."
        )
        for (index, entry) in self.figures.enumerated() { writer.sample(labels[index], entry.recovery.netMissing) }
        guard !self.budgets.isEmpty else { return }
        writer.family(
            "funnel_pipeline_error_budget_remaining_ratio", .gauge,
            help: "Share of the slo: error budget left (1 untouched, 0 spent, below 0 overspent), settled, over the SLO window or retention, whichever is shorter."
        )
        for entry in self.budgets { writer.sample(ExpositionWriter.labels(["pipeline": entry.pipeline]), entry.budget.remainingRatio) }
    }
}
