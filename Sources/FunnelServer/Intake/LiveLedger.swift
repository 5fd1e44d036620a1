import FunnelCore
import Synchronization

/// The ledger the server serves, with what admitted batches will add to it, behind one lock.
///
/// Admission and application are short, allocation-light critical sections; parsing happens before the lock and
/// the SQLite write between the two, outside it. The ledger changes only in ``apply(_:)``, once a batch is durable.
final class LiveLedger: Sendable {
    private struct State {
        var ledger: FunnelLedger
        var pending = PendingAdmissions()
    }

    private let state: Mutex<State>

    init(_ ledger: FunnelLedger) {
        self.state = Mutex(State(ledger: ledger))
    }

    /// Admits `entries` against the ledger and what is pending, and holds the batch until it is applied or released.
    func admit(_ entries: IngestEntries, policy: AdmissionPolicy, nowMillis: Int64) throws(ReportRejection) -> Admission {
        try self.state.withLock { state throws(ReportRejection) in
            let admission = try state.ledger.admit(entries, policy: policy, pending: state.pending, nowMillis: nowMillis)
            state.pending.hold(admission.batch)
            return admission
        }
    }

    /// Admits and applies at once, for a batch with nothing to write.
    func admitAndApply(_ entries: IngestEntries, policy: AdmissionPolicy, nowMillis: Int64) throws(ReportRejection) -> Admission {
        try self.state.withLock { state throws(ReportRejection) in
            let admission = try state.ledger.admit(entries, policy: policy, pending: state.pending, nowMillis: nowMillis)
            state.ledger.apply(admission.batch, nowMillis: nowMillis)
            return admission
        }
    }

    /// Applies the durable batches in order and releases every batch of `committed` and `dropped`.
    func apply(_ committed: [(batch: ReportBatch, nowMillis: Int64)], releasing dropped: [ReportBatch]) {
        self.state.withLock { state in
            for (batch, nowMillis) in committed {
                state.ledger.apply(batch, nowMillis: nowMillis)
                state.pending.release(batch)
            }
            for batch in dropped { state.pending.release(batch) }
        }
    }

    /// Releases batches that will not be applied: their write failed.
    func release(_ batches: [ReportBatch]) {
        self.apply([], releasing: batches)
    }

    /// Runs `body` on the ledger settled to `nowMillis`.
    func withSettled<Result: Sendable>(nowMillis: Int64, _ body: (borrowing FunnelLedger) -> Result) -> Result {
        self.state.withLock { state in
            state.ledger.settle(nowMillis: nowMillis)
            return body(state.ledger)
        }
    }

    /// Runs `body` on the ledger as it is, unsettled: for what settling does not change (declared labels, say).
    func withLedger<Result: Sendable>(_ body: (borrowing FunnelLedger) -> Result) -> Result {
        self.state.withLock { state in body(state.ledger) }
    }

    /// Drops buckets past the retention; returns what storage must drop.
    func prune(nowMillis: Int64) -> PrunedBuckets {
        self.state.withLock { $0.ledger.prune(nowMillis: nowMillis) }
    }

    /// Takes a reloaded ledger policy; returns the keys of settings kept until a restart.
    func reconfigure(_ policy: LedgerPolicy) -> [String] {
        self.state.withLock { $0.ledger.reconfigure(policy) }
    }

    /// Whether no admitted batch waits to be applied or released.
    var nothingPending: Bool { self.state.withLock { $0.pending.isEmpty } }
}
