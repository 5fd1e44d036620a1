public import FunnelCore
public import Logging
import Synchronization

/// The one write path, for every way in (HTTP, StatsD, DLQ polls): parse, admit, persist, apply, so that an
/// acknowledgement means the entries are on disk and the ledger never counts what is not.
///
/// Admission is a pure check of the ledger (``FunnelLedger/admit(_:policy:pending:nowMillis:)``); the admitted
/// batch is held as pending, written by the ``GroupCommitter`` and applied by it once durable. With nothing to
/// write (`durability: memory` and no idempotency key) the batch is applied as soon as it is admitted.
public final class ReportIntake: Sendable {
    public let store: FunnelStore
    let ledger: LiveLedger
    /// Writes and applies admitted batches; run it as a service (``buildApplication(configuration:logger:clock:environment:onStatsDListening:onServerRunning:)`` does).
    public let committer: GroupCommitter
    private let counters: Mutex<IngestCounters>
    private let parser: Mutex<ReportBodyParser>
    private let clock: @Sendable () -> Int64
    /// How long idempotency keys are kept (`idempotency_window`); replaced on reload.
    private let idempotencyWindowSeconds: Atomic<Int64>
    /// Signalled when a batch carries what alarms should see at once: DLQ depths, or watermarks that may settle buckets.
    private let alarmInputsChanged: Wakeup?
    /// The bounds of the latency histograms, in seconds, as the ledger keeps them.
    public let latencyBucketsSeconds: [Double]
    /// Stored counters that were not valid counts and were restored as the nearest valid one, to be logged.
    public let restoreRepairs: [String]
    /// The label sets of the last `/metrics` scrape, reused while the ledger has the same series.
    let scrapeLabels = Mutex<LedgerLabelSets?>(nil)
    /// When buckets were last settled and pruned, Unix milliseconds; start-up counts as a settle.
    let lastSettledMillis: Atomic<Int64>
    /// Labels whose guard has been logged as taking values under `__other__`: once per label.
    private let overflowedLabels = Mutex<Set<LabelNameKey>>([])
    private let logger: Logger

    /// Restores the ledger from `store` and gets ready to ingest; `clock` returns Unix milliseconds.
    public init(
        configuration: FunnelConfiguration,
        store: FunnelStore,
        clock: @escaping @Sendable () -> Int64,
        alarmInputsChanged: Wakeup? = nil,
        logger: Logger = Logger(label: "funnel.intake")
    ) throws {
        self.logger = logger
        var ledger = FunnelLedger(policy: configuration.ledger)
        self.restoreRepairs = try store.restore(into: &ledger, nowMillis: clock())
        self.store = store
        self.ledger = LiveLedger(ledger)
        self.committer = GroupCommitter(store: store, ledger: self.ledger)
        self.counters = Mutex(IngestCounters())
        self.parser = Mutex(ReportBodyParser(maximumReports: configuration.maximumReportsPerRequest, maximumNameLength: configuration.maximumNameLength))
        self.clock = clock
        self.idempotencyWindowSeconds = Atomic(configuration.idempotencyWindowSeconds)
        self.alarmInputsChanged = alarmInputsChanged
        self.latencyBucketsSeconds = configuration.ledger.latencyBucketsSeconds
        self.lastSettledMillis = Atomic(clock())
    }

    /// The current time, Unix milliseconds, from the injected clock.
    public var nowMillis: Int64 { self.clock() }

    /// Ingests entries from any way in: admits them under `policy`, persists them (with `claim`, when the sender
    /// gave an idempotency key) and counts them once they are durable.
    ///
    /// Throws the ``ReportRejection`` of the first refused entry under ``AdmissionPolicy/allOrNothing``, and a
    /// ``StorageError`` when the database cannot take the write; in both cases nothing was counted.
    public func ingest(_ entries: IngestEntries, policy: AdmissionPolicy, claim: IdempotencyClaim? = nil) async throws -> IngestResult {
        try await self.ingest(entries, policy: policy, claim: claim, positions: [])
    }

    /// Ingests entries as ``ingest(_:policy:claim:)`` does, and stores `positions` (of the cumulative OTLP streams
    /// the entries are differences of) in the same transaction as their counts.
    func ingest(_ entries: IngestEntries, policy: AdmissionPolicy, claim: IdempotencyClaim?, positions: [CumulativePosition]) async throws -> IngestResult {
        let now = self.clock()
        guard claim != nil || self.store.keepsCounts else {
            let admission = try self.ledger.admitAndApply(entries, policy: policy, nowMillis: now)
            self.counted(admission.batch)
            return IngestResult(outcome: .committed, refused: admission.refused)
        }
        let admission = try self.ledger.admit(entries, policy: policy, nowMillis: now)
        guard claim != nil || admission.batch.hasRowsToStore || !positions.isEmpty else {
            // Latencies of known stages only: nothing the database keeps.
            self.ledger.apply([(admission.batch, now)], releasing: [])
            return IngestResult(outcome: .committed, refused: admission.refused)
        }
        let pending = PendingCommit(batch: admission.batch, claim: claim, nowMillis: now, positions: positions)
        let outcome = try await self.committer.commit(pending)
        if outcome == .committed { self.counted(admission.batch) }
        return IngestResult(outcome: outcome, refused: admission.refused)
    }

    /// After a batch is counted: wakes the alarms for what they should see at once (DLQ depths, watermarks that may
    /// settle buckets), and logs a label's guard the first time it counts values under `__other__`.
    private func counted(_ batch: ReportBatch) {
        if !batch.queueDepths.isEmpty || !batch.watermarks.isEmpty { self.alarmInputsChanged?.signal() }
        guard !batch.labelOverflows.isEmpty else { return }
        let first = self.overflowedLabels.withLock { logged in batch.labelOverflows.keys.filter { logged.insert($0).inserted } }
        for key in first {
            self.logger.warning(
                "label \(key.label) of pipeline \(key.pipeline) reached limits.max_label_values (or the pipeline limits.max_label_sets): new values count under \(LabelSet.otherValue); see funnel_label_overflow_events_total",
                metadata: ["pipeline": "\(key.pipeline)", "label": "\(key.label)"]
            )
        }
    }

    /// Ingests one `POST /v1/reports` body, all or nothing; throws ``ReportRejection`` for anything the sender must
    /// fix and ``StorageError`` when the database cannot take the write.
    public func ingest(body: [UInt8], idempotencyKey: String?) async throws -> IngestReceipt {
        do {
            let reports = try self.parser.withLock { $0 }.parse(body)
            if let key = idempotencyKey, let problem = Self.problem(withKey: key) {
                throw ReportRejection(.invalidValue, field: "Idempotency-Key", problem)
            }
            let claim = idempotencyKey.map { key in body.withUnsafeBytes { IdempotencyClaim(key: key, body: $0) } }
            if let claim, let earlier = try await self.store.lookup(claim) {
                return try self.answer(earlier, reports: reports)
            }
            let result = try await self.ingest(IngestEntries(reports), policy: .allOrNothing, claim: claim)
            return try self.answer(result.outcome, reports: reports)
        } catch let rejection as ReportRejection {
            self.countRejection(rejection.reason)
            throw rejection
        } catch {
            let failure = StorageError(error, path: self.store.path)
            self.countRejection(failure.reason)
            throw failure
        }
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
        self.ledger.withSettled(nowMillis: self.clock(), body)
    }

    /// A copy of the ledger settled to now, to read at leisure outside the lock (copy-on-write makes the copy cheap).
    public func settledLedger() -> FunnelLedger {
        self.withSettledLedger { copy $0 }
    }

    /// The labels of each pipeline that declares some (the ways in that read labels from names of their own, such as
    /// OTLP attributes and DogStatsD tags, pick them by these).
    public func declaredLabels() -> [String: [String]] {
        self.ledger.withLedger { ledger in
            var declared: [String: [String]] = [:]
            for pipeline in ledger.pipelines where !pipeline.labels.isEmpty { declared[pipeline.name] = pipeline.labels.names }
            return declared
        }
    }

    /// A copy of the ingest counters.
    public var ingestCounters: IngestCounters { self.counters.withLock { $0 } }

    /// Settles buckets and applies retention, in memory and on disk.
    public func settleAndPrune() async throws {
        let now = self.clock()
        let pruned = self.ledger.prune(nowMillis: now)
        try await self.store.prune(pruned, keysBeforeMillis: now - self.idempotencyWindowSeconds.load(ordering: .relaxed) * 1000)
        self.lastSettledMillis.store(now, ordering: .relaxed)
    }

    /// How far settling is behind the clock: seconds since buckets were last settled and pruned.
    public var settleLagSeconds: Double {
        Double(max(0, self.clock() - self.lastSettledMillis.load(ordering: .relaxed))) / 1000
    }
}

extension ReportIntake: ConfigurationReloadable {
    /// Takes the reloaded pipelines, limits and retention (see ``FunnelLedger/reconfigure(_:)``), the request
    /// limits of the report parser and the idempotency window; every count stays.
    public func apply(_ configuration: FunnelConfiguration) async -> [String] {
        self.parser.withLock {
            $0 = ReportBodyParser(maximumReports: configuration.maximumReportsPerRequest, maximumNameLength: configuration.maximumNameLength)
        }
        self.scrapeLabels.withLock { $0 = nil }
        self.idempotencyWindowSeconds.store(configuration.idempotencyWindowSeconds, ordering: .relaxed)
        return self.ledger.reconfigure(configuration.ledger)
    }
}
