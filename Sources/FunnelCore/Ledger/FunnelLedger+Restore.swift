extension FunnelLedger {
    // MARK: Restore

    /// Restores a stage in its saved order (call in ascending position).
    public mutating func restoreStage(pipeline: String, stage: String) {
        _ = self.ensureStage(pipeline: pipeline, stage: stage)
    }

    /// Restores one saved bucket counter; settled totals follow on the next ``settle(nowMillis:)``.
    public mutating func restoreCount(_ count: UInt64, at key: BucketKey) {
        let (pipeline, stage) = self.ensureStage(pipeline: key.pipeline, stage: key.stage)
        self.pipelines[pipeline].add(count, stage: stage, outcome: key.outcome, bucketStart: key.bucketStart)
    }

    /// Restores a saved DLQ depth.
    public mutating func restoreQueueDepth(_ key: QueueKey, depth: UInt64, observedMillis: Int64) {
        self.queues.record(key, depth: depth, observedMillis: observedMillis)
    }

    /// Restores the counts of buckets that retention already dropped.
    public mutating func restorePruned(_ counts: StageCounts, pipeline: String, stage: String) {
        let (pipeline, stage) = self.ensureStage(pipeline: pipeline, stage: stage)
        self.pipelines[pipeline].addPruned(counts, stage: stage)
    }

    /// Restores a stage's late-event counter.
    public mutating func restoreLateEvents(_ count: UInt64, pipeline: String, stage: String) {
        let (pipeline, stage) = self.ensureStage(pipeline: pipeline, stage: stage)
        self.pipelines[pipeline].addLateEvents(count, stage: stage)
    }

    /// Restores the watermark violations counted against one reporter of a stage.
    public mutating func restoreWatermarkViolations(_ count: UInt64, _ key: ReporterKey) {
        self.addWatermarkViolations(count, key)
    }

    /// Restores one reporter's last watermark and when it was heard.
    public mutating func restoreWatermark(_ key: ReporterKey, _ reading: ReporterWatermark) {
        self.recordWatermark(key, reading)
    }

    /// Settles, after everything is restored, as far as the restored watermarks had settled (see
    /// ``settleRestoredWatermarks()``), then to `nowMillis`.
    public mutating func settleAfterRestore(nowMillis: Int64) {
        self.settleRestoredWatermarks()
        self.settle(nowMillis: nowMillis)
    }
}
