/// What a pipeline's counts say after the loss: what came back, what its dead-letter queues still hold, and what
/// is gone with no way back.
///
/// Derived from one set of per-stage counts (a pipeline's settled buckets over a range, or one bucket), summed
/// first and differenced after, as every loss figure is.
public struct RecoveryFigures: Sendable, Hashable {
    /// Received by the first stage (its replays are not new input).
    public var ingested: UInt64 = 0
    /// Passed by the last stage, recovered events included.
    public var delivered: UInt64 = 0
    /// Failed at any stage.
    public var failed: UInt64 = 0
    /// Redriven plus replayed at every stage.
    public var recovered: UInt64 = 0
    /// Dead-lettered and not redriven, at every stage.
    public var recoverable: UInt64 = 0
    /// ingested - delivered - failed - recoverable, when positive.
    public var netMissing: UInt64 = 0

    /// No counts: every figure 0.
    public init() {}

    /// The figures of `stages`, in pipeline order.
    public init(_ stages: [StageCounts]) {
        guard let first = stages.first, let last = stages.last else { return }
        self.ingested = first.received
        self.delivered = last.passed
        for counts in stages {
            self.failed = self.failed.addingSaturated(counts.failed)
            self.recovered = self.recovered.addingSaturated(counts.redriven).addingSaturated(counts.replayed)
            self.recoverable = self.recoverable.addingSaturated(counts.dlqOutstanding)
        }
        let missing = Int128(self.ingested) - Int128(self.delivered) - Int128(self.failed) - Int128(self.recoverable)
        self.netMissing = missing > 0 ? UInt64(clamping: missing) : 0
    }

    /// delivered / ingested; nil when nothing was ingested.
    public var deliveryRatio: Double? { FunnelTotals.deliveryRatio(ingested: self.ingested, delivered: self.delivered) }

    /// (delivered + recoverable) / ingested: the share delivered once the dead-letter queues are redriven; nil when
    /// nothing was ingested.
    public var recoverableDeliveryRatio: Double? {
        FunnelTotals.deliveryRatio(ingested: self.ingested, delivered: self.delivered.addingSaturated(self.recoverable))
    }
}
