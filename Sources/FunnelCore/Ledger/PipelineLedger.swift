/// Everything counted for one pipeline: stage order, per-bucket counts, and running totals.
///
/// Running totals make the whole-retention funnel and `/metrics` cost O(stages), independent of bucket count:
/// `total` is every event ever counted, `settled` the part in settled buckets, `pruned` the part dropped
/// by retention (always settled). So retained settled = settled - pruned and unsettled = total - settled.
public struct PipelineLedger: Sendable {
    public let name: String
    public let settings: PipelineSettings
    public private(set) var stages: [String] = []
    private var stageIndex: [String: Int] = [:]
    /// Bucket start (Unix seconds) to that bucket's counts.
    public private(set) var buckets: [Int64: BucketCounts] = [:]
    /// Every bucket starting before this is settled.
    public internal(set) var settledBoundary: Int64 = .min
    public private(set) var total: [StageCounts] = []
    public private(set) var settled: [StageCounts] = []
    public private(set) var pruned: [StageCounts] = []
    public private(set) var lateEvents: [UInt64] = []
    /// Late events into buckets settled by watermarks, per stage.
    public private(set) var watermarkViolations: [UInt64] = []
    /// Starts of the buckets that watermarks settled before their grace was over.
    public private(set) var settledByWatermark: Set<Int64> = []
    /// The declared labels and the counts of each label group.
    public internal(set) var labels: PipelineLabels

    public init(name: String, settings: PipelineSettings, stages: [String] = [], labels: [String] = []) {
        self.name = name
        self.settings = settings
        self.labels = PipelineLabels(names: labels)
        for stage in stages { _ = self.addStage(stage) }
    }

    /// Position of `stage`, if known.
    public func position(of stage: String) -> Int? { self.stageIndex[stage] }

    /// Adds a stage at the end of the order (or returns its existing position).
    @discardableResult
    public mutating func addStage(_ stage: String) -> Int {
        if let index = self.stageIndex[stage] { return index }
        let index = self.stages.count
        self.stages.append(stage)
        self.stageIndex[stage] = index
        self.total.append(.zero)
        self.settled.append(.zero)
        self.pruned.append(.zero)
        self.lateEvents.append(0)
        self.watermarkViolations.append(0)
        return index
    }

    /// Places a stage at a known position (used when restoring); positions past the end leave no gaps in order.
    mutating func restoreStage(_ stage: String) {
        self.addStage(stage)
    }

    /// Whether a bucket starting at `bucketStart` is settled.
    public func isSettled(bucketStart: Int64) -> Bool { bucketStart < self.settledBoundary }

    /// Settled events passed by the last stage over those received by the first, within retention; nil until some
    /// are settled. The same as the whole-retention funnel's ``FunnelTotals/deliveryRatio``, in O(1).
    var deliveryRatio: Double? { self.recovery.deliveryRatio }

    /// The recovery figures of the settled buckets within retention, the whole-retention funnel's totals in
    /// O(stages).
    var recovery: RecoveryFigures {
        RecoveryFigures(zip(self.settled, self.pruned).map { $0 - $1 })
    }

    // MARK: Mutation

    /// Adds `count` events with `outcome` at `stage` to the bucket at `bucketStart`.
    mutating func add(_ count: UInt64, stage: Int, outcome: Outcome, bucketStart: Int64) {
        let stageCount = self.stages.count
        func increment(_ bucket: inout BucketCounts) {
            bucket.grow(to: stageCount)
            bucket[stage: stage, outcome: outcome] = bucket[stage: stage, outcome: outcome].addingSaturated(count)
        }
        increment(&self.buckets[bucketStart, default: BucketCounts(stageCount: stageCount)])
        self.total[stage][outcome] = self.total[stage][outcome].addingSaturated(count)
        if bucketStart < self.settledBoundary {
            self.settled[stage][outcome] = self.settled[stage][outcome].addingSaturated(count)
        }
    }

    /// Adds `count` events of label group `group` to the group's counts (the pipeline's own are added apart).
    mutating func addLabelled(_ count: UInt64, _ group: LabelSet, stage: Int, outcome: Outcome, bucketStart: Int64) {
        if !self.labels.contains(group) { self.registerLabelGroup(group) }
        self.labels.add(count, group, stage: stage, outcome: outcome, bucketStart: bucketStart, stages: self.stages)
    }

    /// Adds late events of label group `group`.
    mutating func addLabelledLateEvents(_ count: UInt64, _ group: LabelSet, stage: Int) {
        if !self.labels.contains(group) { self.registerLabelGroup(group) }
        self.labels.addLateEvents(count, group, stage: stage, stages: self.stages)
    }

    /// Adds counts retention dropped from label group `group`.
    mutating func addLabelledPruned(_ counts: StageCounts, _ group: LabelSet, stage: Int) {
        if !self.labels.contains(group) { self.registerLabelGroup(group) }
        self.labels.addPruned(counts, group, stage: stage, stages: self.stages)
    }

    /// Registers label group `group` in its order of discovery (restored or applied).
    mutating func registerLabelGroup(_ group: LabelSet) {
        let shape = self.withoutCounts
        self.labels.register(group, like: shape)
    }

    /// This pipeline's layout without its counts (name, settings, stages, settled boundary, the buckets watermarks
    /// settled): what a label group, or a sum of groups, is laid out by.
    var withoutCounts: PipelineLedger {
        var shape = PipelineLedger(name: self.name, settings: self.settings, stages: self.stages)
        shape.settledBoundary = self.settledBoundary
        shape.settledByWatermark = self.settledByWatermark
        return shape
    }

    /// Adds stages up to `stages` (a label group following its pipeline's order).
    mutating func growStages(to stages: [String]) {
        guard self.stages.count < stages.count else { return }
        for stage in stages[self.stages.count...] { self.addStage(stage) }
    }

    /// Grows to `stages` (a label group following its pipeline's order), then applies `change`.
    mutating func addGrowing(to stages: [String], _ change: (inout PipelineLedger) -> Void) {
        self.growStages(to: stages)
        change(&self)
    }

    /// Adds `other`'s counts (a label group's) to this ledger's, stage by stage; its buckets too when `withBuckets`.
    mutating func absorb(_ other: PipelineLedger, withBuckets: Bool) {
        for index in other.stages.indices where index < self.stages.count {
            self.total[index] += other.total[index]
            self.settled[index] += other.settled[index]
            self.pruned[index] += other.pruned[index]
            self.lateEvents[index] = self.lateEvents[index].addingSaturated(other.lateEvents[index])
        }
        guard withBuckets else { return }
        for (start, bucket) in other.buckets {
            self.buckets[start, default: BucketCounts(stageCount: self.stages.count)].grow(to: self.stages.count)
            for (index, counts) in bucket.stages.enumerated() where index < self.stages.count {
                self.buckets[start]!.stages[index] += counts
            }
        }
    }

    mutating func addLateEvents(_ count: UInt64, stage: Int) {
        self.lateEvents[stage] = self.lateEvents[stage].addingSaturated(count)
    }

    mutating func addWatermarkViolations(_ count: UInt64, stage: Int) {
        self.watermarkViolations[stage] = self.watermarkViolations[stage].addingSaturated(count)
    }

    mutating func addPruned(_ counts: StageCounts, stage: Int) {
        self.total[stage] += counts
        self.settled[stage] += counts
        self.pruned[stage] += counts
    }

    /// Moves the settled boundary up to `nowMillis`, or further to the buckets that end at or before
    /// `watermarkMillis` (the pipeline's watermark, when every stage has one), adding newly settled buckets to the
    /// settled totals. The boundary never moves back.
    mutating func settle(nowMillis: Int64, watermarkMillis: Int64? = nil) {
        let grace = self.settings.settledBoundary(nowMillis: nowMillis)
        let boundary = max(grace, watermarkMillis.map { self.settings.bucketStart(forMillis: $0) } ?? .min)
        guard boundary > self.settledBoundary else { return }
        self.settle(toBoundary: boundary, graceBoundary: grace)
        if !self.labels.isEmpty { self.labels.settle(toBoundary: boundary, graceBoundary: grace) }
    }

    /// Moves the settled boundary up to `boundary`; buckets from `graceBoundary` on are settled by watermarks.
    mutating func settle(toBoundary boundary: Int64, graceBoundary grace: Int64) {
        guard boundary > self.settledBoundary else { return }
        for (start, bucket) in self.buckets where start >= self.settledBoundary && start < boundary {
            for (index, counts) in bucket.stages.enumerated() {
                self.settled[index] += counts
            }
            if start >= grace { self.settledByWatermark.insert(start) }
        }
        self.settledBoundary = boundary
    }

    /// Drops buckets that ended more than `retentionSeconds` before `nowMillis`, keeping their counts in the totals.
    mutating func prune(nowMillis: Int64, retentionSeconds: Int64) -> [Int64: BucketCounts] {
        let cutoff = PipelineSettings.floorSeconds(nowMillis) - retentionSeconds
        var dropped: [Int64: BucketCounts] = [:]
        for (start, bucket) in self.buckets where start + self.settings.bucketSeconds <= cutoff && start < self.settledBoundary {
            dropped[start] = bucket
        }
        for (start, bucket) in dropped {
            self.buckets[start] = nil
            self.settledByWatermark.remove(start)
            for (index, counts) in bucket.stages.enumerated() {
                self.pruned[index] += counts
            }
        }
        return dropped
    }
}

extension BucketCounts {
    fileprivate subscript(stage stage: Int, outcome outcome: Outcome) -> UInt64 {
        get { self.stages[stage][outcome] }
        set { self.stages[stage][outcome] = newValue }
    }
}
