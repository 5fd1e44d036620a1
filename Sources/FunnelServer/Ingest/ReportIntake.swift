public import FunnelCore
import Synchronization

/// The write path: parse, admit, persist, then count, so that a `202` means the reports are on disk.
///
/// The ledger sits behind a `Mutex`: admission and application are short, allocation-light critical sections;
/// parsing happens before the lock and the SQLite write between the two, outside it.
public final class ReportIntake: Sendable {
    public let store: FunnelStore
    private let ledger: Mutex<FunnelLedger>
    private let counters: Mutex<IngestCounters>
    private let parser: ReportBodyParser
    private let clock: @Sendable () -> Int64
    private let idempotencyWindowSeconds: Int64
    private let queueDepthsChanged: Wakeup?
    private let committer: GroupCommitter
    /// The bounds of the latency histograms, in seconds, as the ledger keeps them.
    public let latencyBucketsSeconds: [Double]
    /// Stored counters that were not valid counts and were restored as the nearest valid one, to be logged.
    public let restoreRepairs: [String]

    /// Restores the ledger from `store` and gets ready to ingest; `clock` returns Unix milliseconds.
    public init(
        configuration: FunnelConfiguration,
        store: FunnelStore,
        clock: @escaping @Sendable () -> Int64,
        queueDepthsChanged: Wakeup? = nil
    ) throws {
        var ledger = FunnelLedger(policy: configuration.ledger)
        self.restoreRepairs = try store.restore(into: &ledger, nowMillis: clock())
        self.store = store
        self.ledger = Mutex(ledger)
        self.counters = Mutex(IngestCounters())
        self.parser = ReportBodyParser(maximumReports: configuration.maximumReportsPerRequest, maximumNameLength: configuration.maximumNameLength)
        self.clock = clock
        self.idempotencyWindowSeconds = configuration.idempotencyWindowSeconds
        self.queueDepthsChanged = queueDepthsChanged
        self.committer = GroupCommitter(store: store)
        self.latencyBucketsSeconds = configuration.ledger.latencyBucketsSeconds
    }

    /// The current time, Unix milliseconds, from the injected clock.
    public var nowMillis: Int64 { self.clock() }

    /// Ingests one request body; throws ``ReportRejection`` for anything the sender must fix and ``StorageError``
    /// when the database cannot take the write.
    public func ingest(body: [UInt8], idempotencyKey: String?) async throws -> IngestReceipt {
        do {
            let reports = try self.parser.parse(body)
            let claim = idempotencyKey.map { key in body.withUnsafeBytes { IdempotencyClaim(key: key, body: $0) } }
            if let key = idempotencyKey, let problem = Self.problem(withKey: key) {
                throw ReportRejection(.invalidValue, field: "Idempotency-Key", problem)
            }
            if let claim, let earlier = try await self.store.lookup(claim) {
                return try self.answer(earlier, reports: reports)
            }
            let now = self.clock()
            // Without counts to store or a key to remember there is nothing to write (`durability: memory`):
            // admit and apply under one lock.
            let writes = claim != nil || self.store.keepsCounts
            let admission = self.ledger.withLock { ledger in
                Result { () throws(ReportRejection) in
                    let batch = try ledger.admit(reports, nowMillis: now)
                    if !writes { ledger.apply(batch, nowMillis: now) }
                    return batch
                }
            }
            let batch = try admission.get()
            guard writes else {
                if !batch.queueDepths.isEmpty { self.queueDepthsChanged?.signal() }
                return try self.answer(.committed, reports: reports)
            }
            let outcome: CommitOutcome
            do {
                outcome = try await self.committer.commit(PendingCommit(batch: batch, claim: claim, nowMillis: now))
            } catch {
                self.ledger.withLock { $0.release(batch) }
                throw error
            }
            if outcome == .committed {
                self.ledger.withLock { $0.apply(batch, nowMillis: now) }
                if !batch.queueDepths.isEmpty { self.queueDepthsChanged?.signal() }
            } else {
                self.ledger.withLock { $0.release(batch) }
            }
            return try self.answer(outcome, reports: reports)
        } catch let rejection as ReportRejection {
            self.countRejection(rejection.reason)
            throw rejection
        } catch {
            let failure = StorageError(error, path: self.store.path)
            self.countRejection(failure.reason)
            throw failure
        }
    }

    /// Counts entries that arrived without a request of their own (StatsD lines, polled DLQ depths): stage
    /// reports, latencies summed per stage, and DLQ depths.
    ///
    /// Unlike a request, the batch is not refused whole: an entry the ledger refuses (event time out of range,
    /// a pipeline, stage or queue beyond the limits) is left out and tallied by reason, and the rest is admitted,
    /// persisted and applied like a request. `weights` says how many lines each entry stands for, numbered as the
    /// ledger numbers them (stage reports, then latencies, then DLQ depths); the tally counts lines. Throws only
    /// when the database write fails.
    public func ingest(_ body: ReportBody, stageLatencies: [StageLatency] = [], weights: [UInt64]? = nil) async throws -> AdmissionTally {
        var body = body
        var latencies = stageLatencies
        var weights = weights ?? Array(repeating: 1, count: body.count + latencies.count)
        precondition(weights.count == body.count + latencies.count, "one weight per entry")
        var tally = AdmissionTally()
        let now = self.clock()
        let batch: ReportBatch = self.ledger.withLock { ledger in
            while true {
                let result = Result { () throws(ReportRejection) in try ledger.admit(body, stageLatencies: latencies, nowMillis: now) }
                switch result {
                case .success(let batch):
                    return batch
                case .failure(let rejection):
                    // The index counts stage reports, then latencies, then DLQ depths.
                    let reports = body.stageReports.count
                    guard let index = rejection.index, index < weights.count else {
                        tally.refused[rejection.reason, default: 0] += Int(weights.reduce(0, &+))
                        body = ReportBody()
                        latencies = []
                        weights = []
                        continue
                    }
                    tally.refused[rejection.reason, default: 0] += Int(weights.remove(at: index))
                    if index < reports {
                        body.stageReports.remove(at: index)
                    } else if index < reports + latencies.count {
                        latencies.remove(at: index - reports)
                    } else {
                        body.queueDepths.remove(at: index - reports - latencies.count)
                    }
                }
            }
        }
        guard body.count + latencies.count > 0 else { return tally }
        if self.store.keepsCounts {
            do {
                _ = try await self.store.commit(batch, claim: nil, nowMillis: now)
            } catch {
                self.ledger.withLock { $0.release(batch) }
                throw error
            }
        }
        self.ledger.withLock { $0.apply(batch, nowMillis: now) }
        if !batch.queueDepths.isEmpty { self.queueDepthsChanged?.signal() }
        tally.accepted = Int(weights.reduce(0, &+))
        return tally
    }

    /// Counts a rejection decided outside the intake, such as a body over the size limit.
    public func countRejection(_ reason: ReportRejection.Reason) {
        self.counters.withLock { $0.rejected[reason, default: 0] &+= 1 }
    }

    private func answer(_ outcome: CommitOutcome, reports: ReportBody) throws(ReportRejection) -> IngestReceipt {
        switch outcome {
        case .committed:
            self.counters.withLock {
                $0.acceptedReports &+= UInt64(reports.count)
                $0.acceptedRequests &+= 1
            }
            return IngestReceipt(accepted: reports.count, replayed: false)
        case .replayed(let accepted):
            self.counters.withLock { $0.replayedRequests &+= 1 }
            return IngestReceipt(accepted: accepted, replayed: true)
        case .conflict:
            throw ReportRejection(
                .idempotencyConflict, field: "Idempotency-Key",
                "was already used for a different request body; use a new key for a new batch"
            )
        }
    }

    private static func problem(withKey key: String) -> String? {
        guard !key.isEmpty, key.utf8.count <= 255 else { return "must be 1 to 255 characters, got \(key.utf8.count)" }
        guard key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return "must be printable ASCII without spaces" }
        return nil
    }

    // MARK: Reading

    /// Runs `body` on the ledger settled to now.
    public func withSettledLedger<Result: Sendable>(_ body: (borrowing FunnelLedger) -> Result) -> Result {
        let now = self.clock()
        return self.ledger.withLock { ledger in
            ledger.settle(nowMillis: now)
            return body(ledger)
        }
    }

    /// A copy of the ledger settled to now, to read at leisure outside the lock (copy-on-write makes the copy cheap).
    public func settledLedger() -> FunnelLedger {
        self.withSettledLedger { copy $0 }
    }

    /// A copy of the ingest counters.
    public var ingestCounters: IngestCounters { self.counters.withLock { $0 } }

    /// Settles buckets and applies retention, in memory and on disk.
    public func settleAndPrune() async throws {
        let now = self.clock()
        let pruned = self.ledger.withLock { $0.prune(nowMillis: now) }
        try await self.store.prune(pruned, keysBeforeMillis: now - self.idempotencyWindowSeconds * 1000)
    }
}
