/// What one admission reads and never changes: the ledger, what earlier admitted batches hold, and the time.
struct AdmissionContext {
    let ledger: FunnelLedger
    let pending: PendingAdmissions
    let nowMillis: Int64
    /// The latency histogram bounds, in seconds.
    let bounds: [Double]

    init(ledger: FunnelLedger, pending: PendingAdmissions, nowMillis: Int64) {
        self.ledger = ledger
        self.pending = pending
        self.nowMillis = nowMillis
        self.bounds = ledger.policy.latencyBucketsSeconds
    }
}
