extension FunnelLedger {
    // MARK: Error budgets

    /// The declared delivery objective of `pipeline`, if any.
    public func slo(ofPipeline pipeline: String) -> DeliverySLO? {
        self.policy.pipelines.first { $0.name == pipeline }?.slo
    }

    /// The error budget left of `pipeline` under its declared objective; nil without one or an unknown pipeline.
    ///
    /// With a window at least as long as retention, the whole retained settled range in O(stages); otherwise the
    /// settled buckets starting within the window before the settle boundary, in O(buckets). See ``ErrorBudget``.
    public func errorBudget(pipeline: String) -> ErrorBudget? {
        guard let slo = self.slo(ofPipeline: pipeline), let ledger = self.pipeline(named: pipeline) else { return nil }
        guard slo.windowSeconds < self.policy.retentionSeconds, ledger.settledBoundary != .min else {
            let recovery = ledger.recovery
            return ErrorBudget(
                slo: slo, coveredSeconds: min(slo.windowSeconds, self.policy.retentionSeconds), ingested: recovery.ingested, delivered: recovery.delivered
            )
        }
        guard let last = ledger.stages.indices.last else {
            return ErrorBudget(slo: slo, coveredSeconds: slo.windowSeconds, ingested: 0, delivered: 0)
        }
        let first = ledger.settledBoundary.subtractingReportingOverflow(slo.windowSeconds)
        let start = first.overflow ? Int64.min : first.partialValue
        var ingested: UInt64 = 0
        var delivered: UInt64 = 0
        for (bucketStart, bucket) in ledger.buckets where bucketStart >= start && bucketStart < ledger.settledBoundary {
            ingested = ingested.addingSaturated(bucket.stages.first?.received ?? 0)
            if last < bucket.stages.count { delivered = delivered.addingSaturated(bucket.stages[last].passed) }
        }
        return ErrorBudget(slo: slo, coveredSeconds: slo.windowSeconds, ingested: ingested, delivered: delivered)
    }
}
