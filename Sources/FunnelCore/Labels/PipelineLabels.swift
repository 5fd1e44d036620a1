/// A pipeline's declared labels, the values seen for each, and the counts of every label group.
///
/// Each group (one set of label values) keeps its counts laid out like the pipeline's own, in a ``PipelineLedger``
/// of the same stages and settled boundary, so every loss rule applies to a group exactly as to the pipeline; the
/// pipeline's own counts stay the sum of its groups'.
public struct PipelineLabels: Sendable {
    /// The declared label names, in declared order.
    public let names: [String]
    /// Each group's counts.
    public private(set) var groups: [LabelSet: PipelineLedger] = [:]
    /// The groups in the order they were first counted.
    public private(set) var order: [LabelSet] = []
    /// Each label's values that count against ``LedgerPolicy/maximumLabelValues`` (neither empty nor
    /// ``LabelSet/otherValue``).
    private var values: [Set<String>]

    public init(names: [String]) {
        self.names = names
        self.values = Array(repeating: [], count: names.count)
    }

    /// Whether the pipeline declares no labels.
    public var isEmpty: Bool { self.names.isEmpty }

    /// Position of label `name`, if declared.
    public func position(of name: String) -> Int? { self.names.firstIndex(of: name) }

    /// Whether `value` of label `position` is already counted against the guard.
    func knows(_ value: String, label position: Int) -> Bool { self.values[position].contains(value) }

    /// The distinct values of label `position` that count against the guard.
    func valueCount(label position: Int) -> Int { self.values[position].count }

    /// The values of label `position` in the order their groups were first counted, each once.
    public func values(ofLabel position: Int) -> [String] {
        var seen: Set<String> = []
        return self.order.compactMap { group in seen.insert(group.values[position]).inserted ? group.values[position] : nil }
    }

    // MARK: Mutation

    /// Registers `group` after the ones known, with the pipeline's stages and settled boundary.
    mutating func register(_ group: LabelSet, like pipeline: PipelineLedger) {
        guard self.groups[group] == nil, group.values.count == self.names.count else { return }
        var ledger = PipelineLedger(name: pipeline.name, settings: pipeline.settings, stages: pipeline.stages)
        ledger.settle(toBoundary: pipeline.settledBoundary, graceBoundary: pipeline.settledBoundary)
        self.groups[group] = ledger
        self.order.append(group)
        for (position, value) in group.values.enumerated() where !value.isEmpty && value != LabelSet.otherValue {
            self.values[position].insert(value)
        }
    }

    /// Whether `group` is registered.
    func contains(_ group: LabelSet) -> Bool { self.groups[group] != nil }

    /// Adds `count` events of registered `group` at `stage`, the group grown to the pipeline's `stages` first.
    mutating func add(_ count: UInt64, _ group: LabelSet, stage: Int, outcome: Outcome, bucketStart: Int64, stages: [String]) {
        self.groups[group]?.addGrowing(to: stages) { $0.add(count, stage: stage, outcome: outcome, bucketStart: bucketStart) }
    }

    /// Adds late events of registered `group` at `stage`.
    mutating func addLateEvents(_ count: UInt64, _ group: LabelSet, stage: Int, stages: [String]) {
        self.groups[group]?.addGrowing(to: stages) { $0.addLateEvents(count, stage: stage) }
    }

    /// Adds counts retention dropped to registered `group` at `stage`.
    mutating func addPruned(_ counts: StageCounts, _ group: LabelSet, stage: Int, stages: [String]) {
        self.groups[group]?.addGrowing(to: stages) { $0.addPruned(counts, stage: stage) }
    }

    /// Moves every group's settled boundary with the pipeline's.
    mutating func settle(toBoundary boundary: Int64, graceBoundary: Int64) {
        for group in self.order { self.groups[group]!.settle(toBoundary: boundary, graceBoundary: graceBoundary) }
    }

    /// Drops every group's buckets that ended before the retention; returns the dropped counts per group and stage.
    mutating func prune(nowMillis: Int64, retentionSeconds: Int64) -> [LabelSet: [Int64: BucketCounts]] {
        var dropped: [LabelSet: [Int64: BucketCounts]] = [:]
        for group in self.order {
            let buckets = self.groups[group]!.prune(nowMillis: nowMillis, retentionSeconds: retentionSeconds)
            if !buckets.isEmpty { dropped[group] = buckets }
        }
        return dropped
    }

    // MARK: Reading

    /// The groups whose values match `filter`, summed into one ledger laid out like `pipeline` (buckets only when
    /// `withBuckets`: the whole-retention funnel needs the running totals only).
    func merged(matching filter: [(position: Int, value: String)], like pipeline: PipelineLedger, withBuckets: Bool) -> PipelineLedger {
        var merged = pipeline.withoutCounts
        for group in self.order where group.matches(filter) {
            merged.absorb(self.groups[group]!, withBuckets: withBuckets)
        }
        return merged
    }

    /// Events counted under ``LabelSet/otherValue`` of label `position`, over every stage and outcome.
    public func overflowEvents(label position: Int) -> UInt64 {
        var events: UInt64 = 0
        for group in self.order where group.values[position] == LabelSet.otherValue {
            for counts in self.groups[group]!.total { events = events.addingSaturated(counts.eventSum) }
        }
        return events
    }
}
