import FunnelCore
import GRDB

extension FunnelStore {
    // MARK: Label groups

    /// Label groups in order of discovery, their counts per bucket, their pruned counts and late events. A group is
    /// stored as `name=value` pairs (``LabelSet/encoded(names:)``), so it survives a change to the declared labels.
    static func addLabelGroups(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE label_groups (
                    pipeline TEXT NOT NULL, labels TEXT NOT NULL, position INTEGER NOT NULL,
                    PRIMARY KEY (pipeline, labels)) WITHOUT ROWID;
                CREATE TABLE label_counts (
                    pipeline TEXT NOT NULL, labels TEXT NOT NULL, stage TEXT NOT NULL, outcome INTEGER NOT NULL,
                    bucket_start INTEGER NOT NULL, count INTEGER NOT NULL,
                    PRIMARY KEY (pipeline, bucket_start, labels, stage, outcome)) WITHOUT ROWID;
                CREATE TABLE label_pruned_counts (
                    pipeline TEXT NOT NULL, labels TEXT NOT NULL, stage TEXT NOT NULL, outcome INTEGER NOT NULL, count INTEGER NOT NULL,
                    PRIMARY KEY (pipeline, labels, stage, outcome)) WITHOUT ROWID;
                CREATE TABLE label_late_events (
                    pipeline TEXT NOT NULL, labels TEXT NOT NULL, stage TEXT NOT NULL, count INTEGER NOT NULL,
                    PRIMARY KEY (pipeline, labels, stage)) WITHOUT ROWID;
                """
        )
    }

    // MARK: Writes

    /// Writes a batch's label groups, in the transaction of its counts.
    static func writeLabelled(_ batch: ReportBatch, _ db: Database) throws {
        guard !batch.labelCounts.isEmpty || !batch.newLabelGroups.isEmpty else { return }
        func encoded(_ pipeline: String, _ labels: LabelSet) -> String { labels.encoded(names: batch.labelNames[pipeline] ?? []) }
        for group in batch.newLabelGroups {
            try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO label_groups (pipeline, labels, position)
                    SELECT ?, ?, COALESCE(MAX(position) + 1, 0) FROM label_groups WHERE pipeline = ?
                    """
            ).execute(arguments: [group.pipeline, encoded(group.pipeline, group.labels), group.pipeline])
        }
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO label_counts (pipeline, labels, stage, outcome, bucket_start, count) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET count = count + excluded.count
                """
        )
        for (key, count) in batch.labelCounts {
            let bucket = key.bucket
            try upsert.execute(arguments: [bucket.pipeline, encoded(bucket.pipeline, key.labels), bucket.stage, bucket.outcome.rawValue, bucket.bucketStart, Int64(count)])
        }
        for (key, count) in batch.labelLateEvents {
            try db.cachedStatement(
                sql: """
                    INSERT INTO label_late_events (pipeline, labels, stage, count) VALUES (?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET count = count + excluded.count
                    """
            ).execute(arguments: [key.stage.pipeline, encoded(key.stage.pipeline, key.labels), key.stage.stage, Int64(count)])
        }
    }

    /// Drops the label counts of pruned buckets, keeping them in `label_pruned_counts`.
    static func pruneLabelled(_ pruned: PrunedBuckets, _ db: Database) throws {
        guard !pruned.labelNames.isEmpty else { return }
        for bucket in pruned.buckets where pruned.labelNames[bucket.pipeline] != nil {
            try db.cachedStatement(sql: "DELETE FROM label_counts WHERE pipeline = ? AND bucket_start = ?")
                .execute(arguments: [bucket.pipeline, bucket.bucketStart])
        }
        for (key, counts) in pruned.labelCounts {
            let labels = key.labels.encoded(names: pruned.labelNames[key.stage.pipeline] ?? [])
            for outcome in Outcome.allCases where counts[outcome] > 0 {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO label_pruned_counts (pipeline, labels, stage, outcome, count) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT DO UPDATE SET count = count + excluded.count
                        """
                ).execute(arguments: [key.stage.pipeline, labels, key.stage.stage, outcome.rawValue, Int64(counts[outcome])])
            }
        }
    }
}

extension ReportBatch {
    /// Adds the label parts of `other` to this batch (see ``addStoredParts(of:)``).
    mutating func addLabelledParts(of other: ReportBatch) {
        guard !other.labelCounts.isEmpty || !other.newLabelGroups.isEmpty else { return }
        self.labelCounts.merge(other.labelCounts, uniquingKeysWith: &+)
        self.labelLateEvents.merge(other.labelLateEvents, uniquingKeysWith: &+)
        let known = Set(self.newLabelGroups)
        self.newLabelGroups += other.newLabelGroups.filter { !known.contains($0) }
        self.labelNames.merge(other.labelNames) { mine, _ in mine }
    }
}
