import FunnelCore

extension ReportBatch {
    /// Whether the batch has anything the database keeps (latencies are kept in memory only).
    var hasRowsToStore: Bool {
        !self.counts.isEmpty || !self.lateEvents.isEmpty || !self.newPipelines.isEmpty || !self.newStages.isEmpty || !self.queueDepths.isEmpty
            || !self.watermarks.isEmpty || !self.watermarkViolations.isEmpty || !self.labelCounts.isEmpty || !self.newLabelGroups.isEmpty
    }

    /// Adds what `other` stores to this batch: count increments and late events summed, new pipelines and stages,
    /// and the newer DLQ depth per queue. Latencies, which are not stored, are left out.
    mutating func addStoredParts(of other: ReportBatch) {
        self.counts.merge(other.counts, uniquingKeysWith: &+)
        self.lateEvents.merge(other.lateEvents, uniquingKeysWith: &+)
        for pipeline in other.newPipelines where !self.newPipelines.contains(pipeline) { self.newPipelines.append(pipeline) }
        for stage in other.newStages where !self.newStages.contains(stage) { self.newStages.append(stage) }
        self.queueDepths.merge(other.queueDepths) { mine, theirs in theirs.observedMillis >= mine.observedMillis ? theirs : mine }
        self.watermarkViolations.merge(other.watermarkViolations, uniquingKeysWith: &+)
        self.watermarks.merge(other.watermarks) { mine, theirs in mine.merged(with: theirs) }
        self.addLabelledParts(of: other)
    }
}
