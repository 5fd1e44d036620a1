import Foundation
public import FunnelCore
import GRDB
import Synchronization

/// The SQLite file behind the ledger: bucket counters, stage order, pruned totals, late events, idempotency keys.
///
/// WAL mode; each request's batch and its idempotency key commit in one transaction, before the `202`.
public final class FunnelStore: Sendable {
    /// Path of the database file.
    public let path: String
    let database: any DatabaseWriter
    /// The data directory's lock, held while the store is open; nil in memory.
    private let lock: DataDirectoryLock?
    /// Whether counts, stages and depths are stored; with `.memory` only idempotency keys, alarms and the outbox
    /// are (in memory), since the ledger already holds the counts and a restart starts empty anyway.
    public let keepsCounts: Bool
    /// Notifications that may wait in the outbox per receiver; the oldest beyond it are dropped.
    public let outboxLimitPerReceiver: Int
    /// The outbox's deliveries in flight and what it dropped (see `FunnelStore+Outbox.swift`).
    let outbox = Mutex(WebhookOutboxState())
    /// How long each group commit took, for `funnel_store_commit_duration_seconds`.
    let commitDurations = Mutex(DurationHistogram(bounds: FunnelStore.commitBounds))
    /// Bucket bounds of the commit durations, in seconds: an fsync takes from a fraction of a millisecond to seconds.
    static let commitBounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    /// Opens (creating if needed) `funnel.sqlite` in `directory`; with `.memory` nothing touches the disk.
    ///
    /// The directory is locked for this process (`funnel.lock`); a directory another process holds, one that cannot
    /// be created or written, and a file that is not a Funnel database throw ``StoreOpeningError`` naming the path.
    public init(directory: String, durability: Durability = .full, outboxLimitPerReceiver: Int = 1000) throws(StoreOpeningError) {
        var configuration = Configuration()
        self.keepsCounts = durability != .memory
        self.outboxLimitPerReceiver = max(1, outboxLimitPerReceiver)
        if durability == .memory {
            self.path = ":memory:"
            self.lock = nil
            do {
                self.database = try DatabaseQueue(configuration: configuration)
            } catch {
                throw StoreOpeningError(path: ":memory:", problem: "cannot open an in-memory database: \(error)")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreOpeningError(path: directory, problem: "cannot create the data directory: \(Self.reason(error))")
            }
            guard access(directory, W_OK | X_OK) == 0 else {
                throw StoreOpeningError(
                    path: directory,
                    problem: "the data dir is not writable by uid \(getuid()); make it writable by that user or choose another with --data-dir"
                )
            }
            self.lock = try DataDirectoryLock(directory: directory)
            let path = URL(fileURLWithPath: directory).appendingPathComponent("funnel.sqlite").path
            self.path = path
            let synchronous = durability == .full ? "FULL" : "NORMAL"
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            }
            do {
                self.database = try DatabasePool(path: path, configuration: configuration)
            } catch {
                throw StoreOpeningError(path: path, problem: "cannot open the database: \(Self.reason(error))")
            }
        }
        do {
            try Self.migrator.migrate(self.database)
        } catch {
            throw StoreOpeningError(path: self.path, problem: "cannot read or set up the database: \(Self.reason(error))")
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        if let error = error as? CocoaError, let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError {
            return underlying.localizedDescription
        }
        return (error as NSError).localizedDescription
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE pipelines (name TEXT NOT NULL PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID;
                    CREATE TABLE stages (
                        pipeline TEXT NOT NULL, stage TEXT NOT NULL, position INTEGER NOT NULL,
                        PRIMARY KEY (pipeline, stage)) WITHOUT ROWID;
                    CREATE TABLE bucket_counts (
                        pipeline TEXT NOT NULL, stage TEXT NOT NULL, outcome INTEGER NOT NULL, bucket_start INTEGER NOT NULL,
                        count INTEGER NOT NULL,
                        PRIMARY KEY (pipeline, bucket_start, stage, outcome)) WITHOUT ROWID;
                    CREATE TABLE pruned_counts (
                        pipeline TEXT NOT NULL, stage TEXT NOT NULL, outcome INTEGER NOT NULL, count INTEGER NOT NULL,
                        PRIMARY KEY (pipeline, stage, outcome)) WITHOUT ROWID;
                    CREATE TABLE late_events (
                        pipeline TEXT NOT NULL, stage TEXT NOT NULL, count INTEGER NOT NULL,
                        PRIMARY KEY (pipeline, stage)) WITHOUT ROWID;
                    CREATE TABLE queue_depths (
                        pipeline TEXT NOT NULL, queue TEXT NOT NULL, depth INTEGER NOT NULL, observed_ms INTEGER NOT NULL,
                        PRIMARY KEY (pipeline, queue)) WITHOUT ROWID;
                    CREATE TABLE idempotency_keys (
                        key TEXT NOT NULL PRIMARY KEY, body_hash INTEGER NOT NULL, accepted INTEGER NOT NULL,
                        created_ms INTEGER NOT NULL);
                    CREATE INDEX idempotency_keys_created ON idempotency_keys (created_ms);
                    """
            )
        }
        migrator.registerMigration("v2-alarms") { db in
            try db.execute(
                sql: """
                    CREATE TABLE alarm_states (
                        name TEXT NOT NULL PRIMARY KEY, state TEXT NOT NULL, pending_since_ms INTEGER, firing_since_ms INTEGER,
                        last_notified_ms INTEGER, sequence INTEGER NOT NULL, resolved_at_ms INTEGER);
                    CREATE TABLE webhook_outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, receiver TEXT NOT NULL, idempotency_key TEXT NOT NULL,
                        body BLOB NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER NOT NULL,
                        created_ms INTEGER NOT NULL, last_error TEXT,
                        UNIQUE (receiver, idempotency_key));
                    CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_ms);
                    """
            )
        }
        migrator.registerMigration("v3-outbox-alarm", migrate: Self.addOutboxAlarmColumn)
        migrator.registerMigration("v4-watermarks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE watermarks (
                        pipeline TEXT NOT NULL, stage TEXT NOT NULL, reporter TEXT NOT NULL, watermark_ms INTEGER NOT NULL,
                        last_seen_ms INTEGER NOT NULL,
                        PRIMARY KEY (pipeline, stage, reporter)) WITHOUT ROWID;
                    CREATE TABLE watermark_violations (
                        pipeline TEXT NOT NULL, stage TEXT NOT NULL, count INTEGER NOT NULL,
                        PRIMARY KEY (pipeline, stage)) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v5-violations-by-reporter") { db in
            try db.execute(
                sql: """
                    CREATE TABLE reporter_violations (
                        pipeline TEXT NOT NULL, stage TEXT NOT NULL, reporter TEXT NOT NULL, count INTEGER NOT NULL,
                        PRIMARY KEY (pipeline, stage, reporter)) WITHOUT ROWID;
                    INSERT INTO reporter_violations (pipeline, stage, reporter, count) SELECT pipeline, stage, '', count FROM watermark_violations;
                    DROP TABLE watermark_violations;
                    """
            )
        }
        migrator.registerMigration("v6-cumulative-streams", migrate: Self.addCumulativeStreams)
        migrator.registerMigration("v7-label-groups", migrate: Self.addLabelGroups)
        return migrator
    }

    // MARK: Writes

    /// Finds the stored reply for an idempotency key, without writing.
    public func lookup(_ claim: IdempotencyClaim) async throws -> CommitOutcome? {
        try await self.database.read { db in try Self.check(claim, db) }
    }

    /// Stores a batch, with its idempotency key when it has one, in one transaction.
    public func commit(_ batch: ReportBatch, claim: IdempotencyClaim?, nowMillis: Int64) async throws -> CommitOutcome {
        try await self.commit([PendingCommit(batch: batch, claim: claim, nowMillis: nowMillis)])[0]
    }

    /// Stores several requests' batches in one transaction (group commit: one sync to disk for all of them).
    ///
    /// Each keeps its own idempotency check, so a key repeated within the group is answered as a replay. The counts of
    /// the batches that commit are summed before they are written, so requests that count the same series share
    /// one upsert per row.
    public func commit(_ group: [PendingCommit]) async throws -> [CommitOutcome] {
        let start = ContinuousClock.now
        defer {
            let elapsed = (ContinuousClock.now - start).inSeconds
            self.commitDurations.withLock { $0.record(seconds: elapsed) }
        }
        return try await self.database.write { db in
            var outcomes: [CommitOutcome] = []
            outcomes.reserveCapacity(group.count)
            var stored = ReportBatch()
            for pending in group {
                if let claim = pending.claim, let earlier = try Self.check(claim, db) {
                    outcomes.append(earlier)
                    continue
                }
                try Self.record(pending.claim, batch: pending.batch, nowMillis: pending.nowMillis, db)
                if self.keepsCounts {
                    if group.count == 1 { stored = pending.batch } else { stored.addStoredParts(of: pending.batch) }
                    try Self.write(pending.positions, db)
                }
                outcomes.append(.committed)
            }
            if self.keepsCounts { try Self.write(stored, db) }
            return outcomes
        }
    }

    /// Writes what a batch stores: new pipelines and stages, count increments, late events and DLQ depths.
    private static func write(_ batch: ReportBatch, _ db: Database) throws {
        // Positions follow the order of writing, which is the order the ledger applies them in.
        for name in batch.newPipelines {
            try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO pipelines (name, position) SELECT ?, COALESCE(MAX(position) + 1, 0) FROM pipelines"
            ).execute(arguments: [name])
        }
        for key in batch.newStages {
            try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO stages (pipeline, stage, position)
                    SELECT ?, ?, COALESCE(MAX(position) + 1, 0) FROM stages WHERE pipeline = ?
                    """
            ).execute(arguments: [key.pipeline, key.stage, key.pipeline])
        }
        let upsertCount = try db.cachedStatement(
            sql: """
                INSERT INTO bucket_counts (pipeline, stage, outcome, bucket_start, count) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET count = count + excluded.count
                """
        )
        for (key, count) in batch.counts {
            try upsertCount.execute(arguments: [key.pipeline, key.stage, key.outcome.rawValue, key.bucketStart, Int64(count)])
        }
        for (key, count) in batch.lateEvents {
            try db.cachedStatement(
                sql: """
                    INSERT INTO late_events (pipeline, stage, count) VALUES (?, ?, ?)
                    ON CONFLICT DO UPDATE SET count = count + excluded.count
                    """
            ).execute(arguments: [key.pipeline, key.stage, Int64(count)])
        }
        for (key, count) in batch.watermarkViolations {
            try db.cachedStatement(
                sql: """
                    INSERT INTO reporter_violations (pipeline, stage, reporter, count) VALUES (?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET count = count + excluded.count
                    """
            ).execute(arguments: [key.pipeline, key.stage, key.reporter, Int64(count)])
        }
        for (key, reading) in batch.watermarks {
            try db.cachedStatement(
                sql: """
                    INSERT INTO watermarks (pipeline, stage, reporter, watermark_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET watermark_ms = MAX(watermark_ms, excluded.watermark_ms),
                        last_seen_ms = MAX(last_seen_ms, excluded.last_seen_ms)
                    """
            ).execute(arguments: [key.pipeline, key.stage, key.reporter, reading.watermarkMillis, reading.lastSeenMillis])
        }
        for (key, observation) in batch.queueDepths {
            try db.cachedStatement(
                sql: """
                    INSERT INTO queue_depths (pipeline, queue, depth, observed_ms) VALUES (?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET depth = excluded.depth, observed_ms = excluded.observed_ms
                    WHERE excluded.observed_ms >= observed_ms
                    """
            ).execute(arguments: [key.pipeline, key.queue, Int64(observation.depth), observation.observedMillis])
        }
        try Self.writeLabelled(batch, db)
    }

    private static func record(_ claim: IdempotencyClaim?, batch: ReportBatch, nowMillis: Int64, _ db: Database) throws {
        guard let claim else { return }
        try db.cachedStatement(sql: "INSERT INTO idempotency_keys (key, body_hash, accepted, created_ms) VALUES (?, ?, ?, ?)")
            .execute(arguments: [claim.key, claim.bodyHash, batch.reportCount, nowMillis])
    }

    /// Drops pruned buckets, keeps their counts in `pruned_counts`, and forgets idempotency keys older than `keysBeforeMillis`.
    public func prune(_ pruned: PrunedBuckets, keysBeforeMillis: Int64) async throws {
        try await self.database.write { db in
            for bucket in pruned.buckets {
                try db.cachedStatement(sql: "DELETE FROM bucket_counts WHERE pipeline = ? AND bucket_start = ?")
                    .execute(arguments: [bucket.pipeline, bucket.bucketStart])
            }
            for (key, counts) in pruned.counts {
                for outcome in Outcome.allCases where counts[outcome] > 0 {
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO pruned_counts (pipeline, stage, outcome, count) VALUES (?, ?, ?, ?)
                            ON CONFLICT DO UPDATE SET count = count + excluded.count
                            """
                    ).execute(arguments: [key.pipeline, key.stage, outcome.rawValue, Int64(counts[outcome])])
                }
            }
            try Self.pruneLabelled(pruned, db)
            try db.execute(sql: "DELETE FROM idempotency_keys WHERE created_ms < ?", arguments: [keysBeforeMillis])
        }
    }

    /// Moves the write-ahead log into the database file and truncates it, so the file size shows what is stored.
    public func checkpoint() throws {
        try self.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// Bucket counter rows stored, one per (pipeline, stage, outcome, bucket) with a count.
    public func bucketRowCount() throws -> Int {
        try self.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM bucket_counts") ?? 0 }
    }

    private static func check(_ claim: IdempotencyClaim, _ db: Database) throws -> CommitOutcome? {
        guard let row = try Row.fetchOne(db, sql: "SELECT body_hash, accepted FROM idempotency_keys WHERE key = ?", arguments: [claim.key]) else {
            return nil
        }
        return (row[0] as Int64) == claim.bodyHash ? .replayed(accepted: row[1]) : .conflict
    }
}
