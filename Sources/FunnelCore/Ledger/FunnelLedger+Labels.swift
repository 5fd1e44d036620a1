extension FunnelLedger {
    // MARK: Label groups

    /// Adds a batch's label-group counts and late events (the pipelines' own were added with the rest).
    mutating func applyLabelled(_ batch: ReportBatch) {
        for group in batch.newLabelGroups {
            guard let index = self.pipelineIndex[group.pipeline] else { continue }
            self.pipelines[index].registerLabelGroup(group.labels)
        }
        for (key, count) in batch.labelCounts {
            let (pipeline, stage) = self.ensureStage(pipeline: key.bucket.pipeline, stage: key.bucket.stage)
            guard key.labels.values.count == self.pipelines[pipeline].labels.names.count else { continue }
            self.pipelines[pipeline].addLabelled(count, key.labels, stage: stage, outcome: key.bucket.outcome, bucketStart: key.bucket.bucketStart)
        }
        for (key, count) in batch.labelLateEvents {
            let (pipeline, stage) = self.ensureStage(pipeline: key.stage.pipeline, stage: key.stage.stage)
            guard key.labels.values.count == self.pipelines[pipeline].labels.names.count else { continue }
            self.pipelines[pipeline].addLabelledLateEvents(count, key.labels, stage: stage)
        }
    }

    /// The labels `pipeline` declares; empty when it declares none or is not tracked.
    public func labelNames(pipeline: String) -> [String] {
        self.pipelineIndex[pipeline].map { self.pipelines[$0].labels.names } ?? []
    }

    // MARK: Restore

    /// Restores a stored label group, in its stored order; `encoded` is read against the labels declared now.
    public mutating func restoreLabelGroup(pipeline: String, encoded: String) {
        guard let index = self.pipelineIndex[pipeline], !self.pipelines[index].labels.isEmpty,
            let group = LabelSet(encoded: encoded, names: self.pipelines[index].labels.names)
        else { return }
        self.pipelines[index].registerLabelGroup(group)
    }

    /// Restores one stored label-group counter; returns false when the row names no group of a pipeline that
    /// declares labels now.
    @discardableResult
    public mutating func restoreLabelledCount(_ count: UInt64, at key: BucketKey, encodedLabels: String) -> Bool {
        guard let (index, group) = self.storedGroup(key.pipeline, encodedLabels) else { return false }
        let (_, stage) = self.ensureStage(pipeline: key.pipeline, stage: key.stage)
        self.pipelines[index].addLabelled(count, group, stage: stage, outcome: key.outcome, bucketStart: key.bucketStart)
        return true
    }

    /// Restores counts retention dropped from a label group.
    public mutating func restoreLabelledPruned(_ counts: StageCounts, _ key: StageKey, encodedLabels: String) {
        guard let (index, group) = self.storedGroup(key.pipeline, encodedLabels) else { return }
        let (_, stage) = self.ensureStage(pipeline: key.pipeline, stage: key.stage)
        self.pipelines[index].addLabelledPruned(counts, group, stage: stage)
    }

    /// Restores a label group's late events at a stage.
    public mutating func restoreLabelledLateEvents(_ count: UInt64, _ key: StageKey, encodedLabels: String) {
        guard let (index, group) = self.storedGroup(key.pipeline, encodedLabels) else { return }
        let (_, stage) = self.ensureStage(pipeline: key.pipeline, stage: key.stage)
        self.pipelines[index].addLabelledLateEvents(count, group, stage: stage)
    }

    private func storedGroup(_ pipeline: String, _ encoded: String) -> (Int, LabelSet)? {
        guard let index = self.pipelineIndex[pipeline], !self.pipelines[index].labels.isEmpty,
            let group = LabelSet(encoded: encoded, names: self.pipelines[index].labels.names)
        else { return nil }
        return (index, group)
    }
}
