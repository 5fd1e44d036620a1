public import FunnelCore
import GRDB

extension FunnelStore {
    // MARK: Restore

    /// Loads everything stored into `ledger`, then settles it at `nowMillis`.
    ///
    /// Nothing stored can make this trap: a row Funnel could not have written (a counter that is negative, a REAL
    /// or text; an outcome or a name of the wrong type) is read as the nearest valid value or skipped, and a note
    /// for it is returned for the caller to log.
    @discardableResult
    public func restore(into ledger: inout FunnelLedger, nowMillis: Int64) throws -> [String] {
        var repairs: [String] = []
        try self.database.read { db in
            let sql = """
                SELECT stages.pipeline, stages.stage FROM stages LEFT JOIN pipelines ON pipelines.name = stages.pipeline
                ORDER BY pipelines.position, stages.pipeline, stages.position
                """
            for row in try Row.fetchAll(db, sql: sql) {
                guard let pipeline = row.text(0), let stage = row.text(1) else {
                    repairs.append("stages \(row): not a pipeline and stage name; skipped")
                    continue
                }
                ledger.restoreStage(pipeline: pipeline, stage: stage)
            }
            let counts = try Row.fetchCursor(db, sql: "SELECT pipeline, stage, outcome, bucket_start, count FROM bucket_counts")
            while let row = try counts.next() {
                guard let pipeline = row.text(0), let stage = row.text(1), let outcome = row.outcome(2), let start = row.integer(3),
                    (0..<100_000_000_000).contains(start)
                else {
                    repairs.append("bucket_counts \(row): not a (pipeline, stage, outcome, bucket) key; skipped")
                    continue
                }
                let key = BucketKey(pipeline: pipeline, stage: stage, outcome: outcome, bucketStart: start)
                ledger.restoreCount(row.counter(4, "count", "bucket_counts \(pipeline)/\(stage)/\(outcome.name)@\(start)", &repairs), at: key)
            }
            for row in try Row.fetchAll(db, sql: "SELECT pipeline, stage, outcome, count FROM pruned_counts") {
                guard let pipeline = row.text(0), let stage = row.text(1), let outcome = row.outcome(2) else {
                    repairs.append("pruned_counts \(row): not a (pipeline, stage, outcome) key; skipped")
                    continue
                }
                var counts = StageCounts.zero
                counts[outcome] = row.counter(3, "count", "pruned_counts \(pipeline)/\(stage)/\(outcome.name)", &repairs)
                ledger.restorePruned(counts, pipeline: pipeline, stage: stage)
            }
            for row in try Row.fetchAll(db, sql: "SELECT pipeline, queue, depth, observed_ms FROM queue_depths") {
                guard let pipeline = row.text(0), let queue = row.text(1), let observed = row.integer(3), (0..<100_000_000_000_000).contains(observed) else {
                    repairs.append("queue_depths \(row): not a (pipeline, queue, time) key; skipped")
                    continue
                }
                let depth = row.counter(2, "depth", "queue_depths \(pipeline)/\(queue)", &repairs)
                ledger.restoreQueueDepth(QueueKey(pipeline: pipeline, queue: queue), depth: depth, observedMillis: observed)
            }
            for row in try Row.fetchAll(db, sql: "SELECT pipeline, stage, reporter, count FROM reporter_violations") {
                guard let pipeline = row.text(0), let stage = row.text(1), let reporter = row.text(2) else {
                    repairs.append("reporter_violations \(row): not a (pipeline, stage, reporter) key; skipped")
                    continue
                }
                ledger.restoreWatermarkViolations(
                    row.counter(3, "count", "reporter_violations \(pipeline)/\(stage)/\(reporter)", &repairs),
                    ReporterKey(pipeline: pipeline, stage: stage, reporter: reporter)
                )
            }
            for row in try Row.fetchAll(db, sql: "SELECT pipeline, stage, reporter, watermark_ms, last_seen_ms FROM watermarks") {
                guard let pipeline = row.text(0), let stage = row.text(1), let reporter = row.text(2), let watermark = row.integer(3),
                    let seen = row.integer(4), (0..<100_000_000_000_000).contains(watermark), (0..<100_000_000_000_000).contains(seen)
                else {
                    repairs.append("watermarks \(row): not a (pipeline, stage, reporter, time) key; skipped")
                    continue
                }
                ledger.restoreWatermark(
                    ReporterKey(pipeline: pipeline, stage: stage, reporter: reporter), ReporterWatermark(watermarkMillis: watermark, lastSeenMillis: seen)
                )
            }
            for row in try Row.fetchAll(db, sql: "SELECT pipeline, stage, count FROM late_events") {
                guard let pipeline = row.text(0), let stage = row.text(1) else {
                    repairs.append("late_events \(row): not a (pipeline, stage) key; skipped")
                    continue
                }
                ledger.restoreLateEvents(row.counter(2, "count", "late_events \(pipeline)/\(stage)", &repairs), pipeline: pipeline, stage: stage)
            }
            try Self.restoreLabelled(into: &ledger, db, &repairs)
        }
        ledger.settleAfterRestore(nowMillis: nowMillis)
        return repairs
    }

    /// Restores label groups in their order of discovery, then their counts, pruned counts and late events.
    fileprivate static func restoreLabelled(into ledger: inout FunnelLedger, _ db: Database, _ repairs: inout [String]) throws {
        let groups = """
            SELECT label_groups.pipeline, label_groups.labels FROM label_groups LEFT JOIN pipelines ON pipelines.name = label_groups.pipeline
            ORDER BY pipelines.position, label_groups.pipeline, label_groups.position
            """
        for row in try Row.fetchAll(db, sql: groups) {
            guard let pipeline = row.text(0), let labels = row.text(1) else {
                repairs.append("label_groups \(row): not a (pipeline, labels) key; skipped")
                continue
            }
            ledger.restoreLabelGroup(pipeline: pipeline, encoded: labels)
        }
        let counts = try Row.fetchCursor(db, sql: "SELECT pipeline, labels, stage, outcome, bucket_start, count FROM label_counts")
        while let row = try counts.next() {
            guard let pipeline = row.text(0), let labels = row.text(1), let stage = row.text(2), let outcome = row.outcome(3),
                let start = row.integer(4), (0..<100_000_000_000).contains(start)
            else {
                repairs.append("label_counts \(row): not a (pipeline, labels, stage, outcome, bucket) key; skipped")
                continue
            }
            let key = BucketKey(pipeline: pipeline, stage: stage, outcome: outcome, bucketStart: start)
            let count = row.counter(5, "count", "label_counts \(pipeline)/\(labels)/\(stage)/\(outcome.name)@\(start)", &repairs)
            ledger.restoreLabelledCount(count, at: key, encodedLabels: labels)
        }
        for row in try Row.fetchAll(db, sql: "SELECT pipeline, labels, stage, outcome, count FROM label_pruned_counts") {
            guard let pipeline = row.text(0), let labels = row.text(1), let stage = row.text(2), let outcome = row.outcome(3) else {
                repairs.append("label_pruned_counts \(row): not a (pipeline, labels, stage, outcome) key; skipped")
                continue
            }
            var pruned = StageCounts.zero
            pruned[outcome] = row.counter(4, "count", "label_pruned_counts \(pipeline)/\(labels)/\(stage)/\(outcome.name)", &repairs)
            ledger.restoreLabelledPruned(pruned, StageKey(pipeline: pipeline, stage: stage), encodedLabels: labels)
        }
        for row in try Row.fetchAll(db, sql: "SELECT pipeline, labels, stage, count FROM label_late_events") {
            guard let pipeline = row.text(0), let labels = row.text(1), let stage = row.text(2) else {
                repairs.append("label_late_events \(row): not a (pipeline, labels, stage) key; skipped")
                continue
            }
            let count = row.counter(3, "count", "label_late_events \(pipeline)/\(labels)/\(stage)", &repairs)
            ledger.restoreLabelledLateEvents(count, StageKey(pipeline: pipeline, stage: stage), encodedLabels: labels)
        }
    }
}

extension Row {
    /// Column `index` as text, or nil when it holds anything else (GRDB's `row[index] as String` would trap).
    fileprivate func text(_ index: Int) -> String? {
        guard case .string(let text) = (self[index] as DatabaseValue).storage else { return nil }
        return text
    }

    /// Column `index` as an integer, or nil when it holds anything else.
    fileprivate func integer(_ index: Int) -> Int64? {
        guard case .int64(let integer) = (self[index] as DatabaseValue).storage else { return nil }
        return integer
    }

    /// Column `index` as an outcome's stored number, or nil.
    fileprivate func outcome(_ index: Int) -> Outcome? {
        self.integer(index).flatMap { UInt8(exactly: $0) }.flatMap(Outcome.init(rawValue:))
    }

    /// Column `index` as a counter, repaired to the nearest valid count when it is not one (see ``StoredCounter``).
    /// `where` names the row in a repair note; it is put in words only for a value that needs one.
    fileprivate func counter(_ index: Int, _ column: String, _ where: @autoclosure () -> String, _ repairs: inout [String]) -> UInt64 {
        let counter = StoredCounter(self[index], column: column, row: `where`())
        if let repair = counter.repair { repairs.append(repair) }
        return counter.value
    }
}
