import FunnelCore

extension ReportBatch {
    /// Adds what `other` stores to this batch: count increments and late events summed, new pipelines and stages,
    /// and the newer DLQ depth per queue. Latencies, which are not stored, are left out.
    mutating func addStoredParts(of other: ReportBatch) {
        self.counts.merge(other.counts, uniquingKeysWith: &+)
        self.lateEvents.merge(other.lateEvents, uniquingKeysWith: &+)
        self.newPipelines.merge(other.newPipelines) { first, _ in first }
        self.newStages.merge(other.newStages) { first, _ in first }
        self.queueDepths.merge(other.queueDepths) { mine, theirs in theirs.observedMillis >= mine.observedMillis ? theirs : mine }
    }
}
