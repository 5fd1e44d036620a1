public import FunnelCore

/// One admitted batch waiting to be written, with its idempotency key and the OTLP stream positions it moves.
public struct PendingCommit: Sendable {
    public var batch: ReportBatch
    public var claim: IdempotencyClaim?
    public var nowMillis: Int64
    /// Where the cumulative OTLP streams whose differences the batch counts stand after it, written with its counts.
    var positions: [CumulativePosition] = []

    public init(batch: ReportBatch, claim: IdempotencyClaim?, nowMillis: Int64) {
        self.batch = batch
        self.claim = claim
        self.nowMillis = nowMillis
    }

    init(batch: ReportBatch, claim: IdempotencyClaim?, nowMillis: Int64, positions: [CumulativePosition]) {
        self.init(batch: batch, claim: claim, nowMillis: nowMillis)
        self.positions = positions
    }
}
