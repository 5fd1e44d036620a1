/// The label groups of one admission: each labelled report's group after the cardinality guard, its counts per
/// bucket, and what the admission adds to the guard's counts.
///
/// The guard counts what the ledger knows, what pending batches add and what this admission added so far, so that
/// `limits.max_label_values` and `limits.max_label_sets` hold exactly however requests interleave.
struct LabelledAdmission {
    /// A report's label group, and what counting it would add to the guard (kept only once the report is admitted).
    struct Group {
        var labels: LabelSet
        /// Values new to the ledger.
        var newValues: [LabelValueKey]
        /// Of those, the ones no pending batch adds either: they count against the limit.
        var addedValues: [LabelValueKey]
        /// Whether the ledger does not know the group yet.
        var isNew: Bool
        /// Whether no pending batch adds it either: it counts against the limit.
        var isAdded: Bool
        /// Positions of the labels whose value the guard replaced by ``LabelSet/otherValue``.
        var overflowed: [Int]
    }

    private var counts: [LabelledBucketKey: UInt64] = [:]
    private var lateEvents: [LabelledStageKey: UInt64] = [:]
    private var newValues: [LabelValueKey] = []
    private var knownNewValues: Set<LabelValueKey> = []
    private var addedValuesPerLabel: [LabelValueKey: Int] = [:]
    private var newGroups: [LabelGroupKey] = []
    private var knownNewGroups: Set<LabelGroupKey> = []
    private var addedGroupsPerPipeline: [String: Int] = [:]
    private var overflows: [LabelNameKey: UInt64] = [:]
    private var names: [String: [String]] = [:]

    /// The group `report` counts in: its values in declared order, every label it carries declared and every value
    /// valid, with values past the guard counted as ``LabelSet/otherValue``.
    func group(of report: StageReport, names: [String], index: Int, in context: borrowing AdmissionContext) throws(ReportRejection) -> Group {
        var values = Array(repeating: "", count: names.count)
        var carried = 0
        for (position, name) in names.enumerated() {
            guard let value = report.labels[name] else { continue }
            carried += 1
            if let problem = LabelRule.problem(withValue: value) {
                throw context.refusal(.invalidValue, index: index, field: "labels.\(name)", problem)
            }
            values[position] = value
        }
        if carried < report.labels.count {
            let unknown = report.labels.keys.filter { !names.contains($0) }.min()!
            throw context.refusal(
                .unknownLabel, index: index, field: "labels.\(unknown)",
                "pipeline \(String(reflecting: report.pipeline)) declares the labels \(names.joined(separator: ", ")); got \(String(reflecting: unknown))"
            )
        }
        guard let pipelineIndex = context.ledger.position(ofPipeline: report.pipeline) else {
            return Group(labels: LabelSet(values), newValues: [], addedValues: [], isNew: false, isAdded: false, overflowed: [])
        }
        let known = context.ledger.pipelines[pipelineIndex].labels
        var group = Group(labels: LabelSet(values), newValues: [], addedValues: [], isNew: false, isAdded: false, overflowed: [])
        if known.contains(group.labels) { return group }
        let policy = context.ledger.policy
        for (position, value) in values.enumerated() where !value.isEmpty && !known.knows(value, label: position) {
            let key = LabelValueKey(pipeline: report.pipeline, label: position, value: value)
            if self.knownNewValues.contains(key) { continue }
            if context.pending.contains(labelValue: key) {
                group.newValues.append(key)
                continue
            }
            let count = known.valueCount(label: position) + context.pending.labelValueCount(pipeline: report.pipeline, label: position)
                + self.addedValuesPerLabel[key.perLabel, default: 0]
            if count >= policy.maximumLabelValues {
                group.labels.values[position] = LabelSet.otherValue
                group.overflowed.append(position)
            } else {
                group.newValues.append(key)
                group.addedValues.append(key)
            }
        }
        self.classify(&group, pipeline: report.pipeline, known: known, in: context)
        let groupCount = known.order.count + context.pending.labelGroupCount(pipeline: report.pipeline) + self.addedGroupsPerPipeline[report.pipeline, default: 0]
        if group.isAdded, groupCount >= policy.maximumLabelSets {
            for position in group.labels.values.indices where !group.labels.values[position].isEmpty && group.labels.values[position] != LabelSet.otherValue {
                group.labels.values[position] = LabelSet.otherValue
                group.overflowed.append(position)
            }
            group.newValues = []
            group.addedValues = []
            self.classify(&group, pipeline: report.pipeline, known: known, in: context)
        }
        return group
    }

    /// Sets whether `group` is new to the ledger and whether it counts against the limit.
    private func classify(_ group: inout Group, pipeline: String, known: PipelineLabels, in context: borrowing AdmissionContext) {
        let key = LabelGroupKey(pipeline: pipeline, labels: group.labels)
        group.isNew = known.groups[group.labels] == nil && !self.knownNewGroups.contains(key)
        group.isAdded = group.isNew && !context.pending.contains(labelGroup: key)
    }

    /// Counts an admitted report in its group and keeps what the group adds to the guard.
    mutating func count(_ report: StageReport, _ group: Group, slot: AdmissionSlot, nowMillis: Int64) {
        for key in group.newValues where self.knownNewValues.insert(key).inserted {
            self.newValues.append(key)
        }
        for key in group.addedValues { self.addedValuesPerLabel[key.perLabel, default: 0] += 1 }
        if group.isNew {
            let key = LabelGroupKey(pipeline: report.pipeline, labels: group.labels)
            if self.knownNewGroups.insert(key).inserted {
                self.newGroups.append(key)
                if group.isAdded { self.addedGroupsPerPipeline[report.pipeline, default: 0] += 1 }
            }
        }
        for position in group.overflowed {
            let key = LabelNameKey(pipeline: report.pipeline, label: slot.labelNames[position])
            self.overflows[key] = self.overflows[key, default: 0].addingSaturated(report.count)
        }
        if self.names[report.pipeline] == nil { self.names[report.pipeline] = slot.labelNames }
        let start = slot.settings.bucketStart(forMillis: report.eventTimeMillis ?? nowMillis)
        let key = LabelledBucketKey(BucketKey(pipeline: report.pipeline, stage: report.stage, outcome: report.outcome, bucketStart: start), labels: group.labels)
        self.counts[key, default: 0] += report.count
        if start < slot.settledBoundary, !report.outcome.isRecovery {
            let late = LabelledStageKey(StageKey(pipeline: report.pipeline, stage: report.stage), labels: group.labels)
            self.lateEvents[late, default: 0] += report.count
        }
    }

    /// Puts the admission's label groups into `batch`.
    func fill(_ batch: inout ReportBatch) {
        guard !self.counts.isEmpty || !self.newGroups.isEmpty else { return }
        batch.labelCounts = self.counts
        batch.labelLateEvents = self.lateEvents
        batch.newLabelGroups = self.newGroups
        batch.newLabelValues = self.newValues
        batch.labelOverflows = self.overflows
        batch.labelNames = self.names
    }
}
