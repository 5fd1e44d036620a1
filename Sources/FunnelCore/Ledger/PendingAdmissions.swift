/// What admitted batches will add to the ledger once they are durable: the pipelines, stages and queues they
/// register and the events they count.
///
/// The ledger itself changes only when a batch is applied; until then its effects are held here, so that
/// admissions running while earlier batches are being written see them (two requests cannot both take the last
/// stage under a limit, or together pass the counter maximum). A batch is held after admission and released
/// once it is applied, refused by storage, or answered as a replay; what several batches hold is counted.
public struct PendingAdmissions: Sendable {
    private var pipelines: [String: Int] = [:]
    private var stages: [StageKey: Int] = [:]
    private var stagesPerPipeline: [String: Int] = [:]
    private var queues: [QueueKey: Int] = [:]
    private var reporters: [ReporterKey: Int] = [:]
    private var reservedCounts: [StageKey: StageCounts] = [:]
    private var labelValues: [LabelValueKey: Int] = [:]
    private var labelValuesPerLabel: [LabelValueKey: Int] = [:]
    private var labelGroups: [LabelGroupKey: Int] = [:]
    private var labelGroupsPerPipeline: [String: Int] = [:]

    public init() {}

    /// Whether no batch is held.
    public var isEmpty: Bool {
        self.pipelines.isEmpty && self.stages.isEmpty && self.queues.isEmpty && self.reporters.isEmpty && self.reservedCounts.isEmpty
            && self.labelValues.isEmpty && self.labelGroups.isEmpty
    }

    /// Whether a held batch adds this label value to the guard's count.
    public func contains(labelValue key: LabelValueKey) -> Bool { !self.labelValues.isEmpty && self.labelValues[key] != nil }
    /// Values of label `label` of `pipeline` that held batches add to the guard's count.
    public func labelValueCount(pipeline: String, label: Int) -> Int {
        self.labelValuesPerLabel.isEmpty ? 0 : self.labelValuesPerLabel[LabelValueKey(pipeline: pipeline, label: label, value: ""), default: 0]
    }
    /// Whether a held batch adds this label group.
    public func contains(labelGroup key: LabelGroupKey) -> Bool { !self.labelGroups.isEmpty && self.labelGroups[key] != nil }
    /// Label groups of `pipeline` that held batches add.
    public func labelGroupCount(pipeline: String) -> Int { self.labelGroupsPerPipeline.isEmpty ? 0 : self.labelGroupsPerPipeline[pipeline, default: 0] }

    /// Pipelines that held batches register.
    public var pipelineCount: Int { self.pipelines.count }
    /// (pipeline, stage) series that held batches register.
    public var stageCount: Int { self.stages.count }
    /// Queues that held batches register.
    public var queueCount: Int { self.queues.count }
    /// Watermark reporters new to the ledger that pending batches add.
    public var reporterCount: Int { self.reporters.count }
    /// Whether a pending batch adds this watermark reporter.
    public func contains(reporter: ReporterKey) -> Bool { !self.reporters.isEmpty && self.reporters[reporter] != nil }

    // The `isEmpty` checks skip hashing the key in the common case of nothing pending.

    /// Whether a held batch registers `pipeline`.
    public func contains(pipeline: String) -> Bool { !self.pipelines.isEmpty && self.pipelines[pipeline] != nil }
    /// Whether a held batch registers `stage`.
    public func contains(stage: StageKey) -> Bool { !self.stages.isEmpty && self.stages[stage] != nil }
    /// Whether a held batch registers `queue`.
    public func contains(queue: QueueKey) -> Bool { !self.queues.isEmpty && self.queues[queue] != nil }

    /// Stages of `pipeline` that held batches register.
    public func stageCount(in pipeline: String) -> Int { self.stagesPerPipeline.isEmpty ? 0 : self.stagesPerPipeline[pipeline, default: 0] }

    /// Events held batches count for `stage`, per outcome.
    public func reserved(_ stage: StageKey) -> StageCounts {
        self.reservedCounts.isEmpty ? .zero : self.reservedCounts[stage] ?? .zero
    }

    /// Holds what `batch` will add until it is released.
    public mutating func hold(_ batch: ReportBatch) {
        for pipeline in batch.newPipelines { self.pipelines[pipeline, default: 0] += 1 }
        for stage in batch.newStages {
            self.stages[stage, default: 0] += 1
            if self.stages[stage] == 1 { self.stagesPerPipeline[stage.pipeline, default: 0] += 1 }
        }
        for queue in batch.newQueues { self.queues[queue, default: 0] += 1 }
        for reporter in batch.newReporters { self.reporters[reporter, default: 0] += 1 }
        for (stage, totals) in batch.seriesTotals { self.reservedCounts[stage, default: .zero] += totals }
        for value in batch.newLabelValues {
            self.labelValues[value, default: 0] += 1
            if self.labelValues[value] == 1 { self.labelValuesPerLabel[value.perLabel, default: 0] += 1 }
        }
        for group in batch.newLabelGroups {
            self.labelGroups[group, default: 0] += 1
            if self.labelGroups[group] == 1 { self.labelGroupsPerPipeline[group.pipeline, default: 0] += 1 }
        }
    }


    /// Lets go of what `batch` held: it was applied, or it will not be.
    public mutating func release(_ batch: ReportBatch) {
        for pipeline in batch.newPipelines { Self.decrement(&self.pipelines, pipeline) }
        for stage in batch.newStages where Self.decrement(&self.stages, stage) {
            Self.decrement(&self.stagesPerPipeline, stage.pipeline)
        }
        for queue in batch.newQueues { Self.decrement(&self.queues, queue) }
        for reporter in batch.newReporters { Self.decrement(&self.reporters, reporter) }
        for value in batch.newLabelValues where Self.decrement(&self.labelValues, value) {
            Self.decrement(&self.labelValuesPerLabel, value.perLabel)
        }
        for group in batch.newLabelGroups where Self.decrement(&self.labelGroups, group) {
            Self.decrement(&self.labelGroupsPerPipeline, group.pipeline)
        }
        for (stage, totals) in batch.seriesTotals {
            guard let reserved = self.reservedCounts[stage] else { continue }
            let left = reserved - totals
            self.reservedCounts[stage] = left.isZero ? nil : left
        }
    }

    /// Counts one holder less for `key`; returns whether that was the last one.
    @discardableResult
    private static func decrement<Key: Hashable>(_ counts: inout [Key: Int], _ key: Key) -> Bool {
        guard let count = counts[key] else { return false }
        if count <= 1 {
            counts[key] = nil
            return true
        }
        counts[key] = count - 1
        return false
    }
}
