extension FunnelLedger {
    /// Whether the buckets of `pipeline` starting in event time `[fromMillis, toMillis)` are all settled and
    /// delivered at least `threshold` of what they ingested.
    ///
    /// Buckets of the range that have no counts yet still count as unsettled until their time has come, so asking
    /// about an hour that is not over is never complete. A range reaching back to buckets retention has dropped
    /// cannot be answered. Call ``settle(nowMillis:)`` first.
    public func completeness(pipeline: String, fromMillis: Int64, toMillis: Int64, threshold: Double) throws(CompletenessError) -> Completeness {
        guard let ledger = self.pipeline(named: pipeline) else { throw .unknownPipeline(pipeline) }
        let width = ledger.settings.bucketSeconds
        var first = ledger.settings.bucketStart(forMillis: fromMillis)
        if Int128(first) * 1000 < Int128(fromMillis) { first += width }
        let cutoff = PipelineSettings.floorSeconds(self.latestMillis) - self.policy.retentionSeconds
        let firstRetained = ledger.settings.bucketStart(forMillis: cutoff.multipliedReportingOverflow(by: 1000).partialValue)
        if first < firstRetained {
            throw .beforeRetention(earliest: EventTimestamp.formatRFC3339(millis: firstRetained * 1000), retentionSeconds: self.policy.retentionSeconds)
        }
        let last = ledger.settings.bucketStart(forMillis: toMillis - 1)
        let firstUnsettled = max(first, ledger.settledBoundary)
        let unsettledBuckets = last < firstUnsettled ? 0 : (last - firstUnsettled) / width + 1

        var settled = Array(repeating: StageCounts.zero, count: ledger.stages.count)
        for (start, bucket) in ledger.buckets where start >= first && start <= last && ledger.isSettled(bucketStart: start) {
            for (index, counts) in bucket.stages.enumerated() { settled[index] += counts }
        }
        let figures = RecoveryFigures(settled)
        let ratio = figures.deliveryRatio
        let isSettled = unsettledBuckets == 0
        return Completeness(
            pipeline: pipeline,
            from: EventTimestamp.formatRFC3339(millis: fromMillis), to: EventTimestamp.formatRFC3339(millis: toMillis),
            complete: isSettled && (ratio ?? 1) >= threshold, settled: isSettled, unsettledBuckets: unsettledBuckets,
            ingested: figures.ingested, delivered: figures.delivered, recoverable: figures.recoverable, netMissing: figures.netMissing,
            ratio: ratio, threshold: threshold
        )
    }
}
