public import FunnelCore

/// One admitted batch waiting to be written, with its idempotency key.
public struct PendingCommit: Sendable {
    public var batch: ReportBatch
    public var claim: IdempotencyClaim?
    public var nowMillis: Int64

    public init(batch: ReportBatch, claim: IdempotencyClaim?, nowMillis: Int64) {
        self.batch = batch
        self.claim = claim
        self.nowMillis = nowMillis
    }
}
