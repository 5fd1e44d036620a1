/// The label families in `/metrics`, for pipelines that declare labels: each value's settled loss, what the
/// cardinality guard counted under `__other__`, and how many values each label has.
///
/// Written by ``LedgerFamilies`` after the counters, which carry the declared labels themselves.
struct LabelFamilies {
    let ledger: FunnelLedger

    /// Writes the families, when some pipeline declares labels.
    func emit(into writer: inout ExpositionWriter) {
        let labelled = self.ledger.pipelines.filter { !$0.labels.isEmpty }
        guard !labelled.isEmpty else { return }
        writer.family(
            "funnel_label_lost_events", .gauge,
            help: "Settled loss (silent plus transit, within retention) of the reports carrying one value of a declared label; values without loss are left out."
        )
        for pipeline in labelled {
            for loss in self.ledger.labelLosses(pipeline: pipeline.name) {
                writer.sample(ExpositionLabels(["pipeline": pipeline.name, "label": loss.label, "value": loss.value]), loss.lost)
            }
        }
        writer.family(
            "funnel_label_overflow_events", .counter,
            help: "Events counted under __other__ because their label had limits.max_label_values values (or the pipeline limits.max_label_sets sets) already."
        )
        for pipeline in labelled {
            for (position, label) in pipeline.labels.names.enumerated() {
                writer.sample(ExpositionLabels(["pipeline": pipeline.name, "label": label]), pipeline.labels.overflowEvents(label: position))
            }
        }
        writer.family("funnel_label_values", .gauge, help: "Distinct values of each declared label counted against limits.max_label_values.")
        for pipeline in labelled {
            for (position, label) in pipeline.labels.names.enumerated() {
                writer.sample(ExpositionLabels(["pipeline": pipeline.name, "label": label]), UInt64(pipeline.labels.valueCount(label: position)))
            }
        }
        writer.family("funnel_label_values_limit", .gauge, help: "The most distinct values one declared label counts (limits.max_label_values).")
        writer.sample(UInt64(self.ledger.policy.maximumLabelValues))
    }
}
