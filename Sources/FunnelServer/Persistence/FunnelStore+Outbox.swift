import Foundation
import GRDB
import Synchronization

/// What the outbox keeps beside its table: the rows a sender is delivering now (never merged or dropped), and how
/// many notifications it dropped unsent, per receiver and reason.
struct WebhookOutboxState: Sendable {
    var inFlight: Set<Int64> = []
    var dropped: [String: [String: UInt64]] = [:]
}

/// Notifications one enqueue dropped, per receiver.
struct OutboxDrops: Sendable {
    var superseded: [String: UInt64] = [:]
    var outboxFull: [String: UInt64] = [:]
}

/// The webhook outbox: notifications waiting for their receiver, one row each, until a 2xx, a permanent refusal or
/// the last attempt removes them.
extension FunnelStore {
    static func addOutboxAlarmColumn(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE webhook_outbox ADD COLUMN alarm TEXT;
                CREATE INDEX webhook_outbox_receiver_alarm ON webhook_outbox (receiver, alarm);
                CREATE INDEX webhook_outbox_receiver_due ON webhook_outbox (receiver, next_attempt_ms);
                """
        )
    }

    // MARK: Outbox reads

    /// Notifications waiting in the outbox.
    public func outboxDepth() async throws -> Int {
        try await self.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_outbox") ?? 0 }
    }

    /// The notifications waiting for `receiver`, oldest first.
    public func waitingDeliveries(receiver: String) async throws -> [WebhookDelivery] {
        try await self.database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, receiver, alarm, idempotency_key, body, attempts FROM webhook_outbox WHERE receiver = ? ORDER BY id",
                arguments: [receiver]
            ).map(Self.delivery)
        }
    }

    /// When the next delivery to `receiver` falls due, if one is waiting and not in flight.
    public func nextDeliveryMillis(receiver: String) async throws -> Int64? {
        let inFlight = self.outbox.withLock { $0.inFlight }
        return try await self.database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, next_attempt_ms FROM webhook_outbox WHERE receiver = ? ORDER BY next_attempt_ms LIMIT ?",
                arguments: [receiver, inFlight.count + 1]
            ).lazy.compactMap { row -> Int64? in inFlight.contains(row[0]) ? nil : row[1] }.first
        }
    }

    /// Notifications dropped unsent so far, per receiver and reason (`superseded`, `outbox_full`).
    public func outboxDropped() -> [String: [String: UInt64]] {
        self.outbox.withLock { $0.dropped }
    }

    // MARK: Outbox writes

    /// Claims the oldest notification due for `receiver` at `nowMillis`: it stays in flight, so neither merged nor
    /// dropped, until ``removeDelivery(id:)``, ``rescheduleDelivery(id:attempts:nextAttemptMillis:error:)`` or
    /// ``releaseDelivery(id:)``.
    public func claimDueDelivery(receiver: String, nowMillis: Int64) async throws -> WebhookDelivery? {
        try await self.database.write { db in
            let inFlight = self.outbox.withLock { $0.inFlight }
            let due = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, receiver, alarm, idempotency_key, body, attempts FROM webhook_outbox
                    WHERE receiver = ? AND next_attempt_ms <= ? ORDER BY id LIMIT ?
                    """,
                arguments: [receiver, nowMillis, inFlight.count + 1]
            ).map(Self.delivery)
            guard let delivery = due.first(where: { !inFlight.contains($0.id) }) else { return nil }
            self.outbox.withLock { _ = $0.inFlight.insert(delivery.id) }
            return delivery
        }
    }

    /// Removes a delivered, refused or abandoned notification from the outbox.
    public func removeDelivery(id: Int64) async throws {
        try await self.database.write { db in
            try db.execute(sql: "DELETE FROM webhook_outbox WHERE id = ?", arguments: [id])
            self.outbox.withLock { _ = $0.inFlight.remove(id) }
        }
    }

    /// Records a failed attempt and when to try again.
    public func rescheduleDelivery(id: Int64, attempts: Int, nextAttemptMillis: Int64, error: String) async throws {
        try await self.database.write { db in
            try db.execute(
                sql: "UPDATE webhook_outbox SET attempts = ?, next_attempt_ms = ?, last_error = ? WHERE id = ?",
                arguments: [attempts, nextAttemptMillis, error, id]
            )
            self.outbox.withLock { _ = $0.inFlight.remove(id) }
        }
    }

    /// Gives a claimed notification back unchanged (the attempt was interrupted, e.g. by shutdown).
    public func releaseDelivery(id: Int64) {
        self.outbox.withLock { _ = $0.inFlight.remove(id) }
    }

    /// Removes every notification for a receiver not in `receivers`; returns how many went, per receiver.
    public func removeDeliveries(notTo receivers: Set<String>) async throws -> [String: Int] {
        try await self.database.write { db in
            var removed: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT receiver, COUNT(*) FROM webhook_outbox GROUP BY receiver") {
                let receiver: String = row[0]
                guard !receivers.contains(receiver) else { continue }
                try db.execute(sql: "DELETE FROM webhook_outbox WHERE receiver = ?", arguments: [receiver])
                removed[receiver] = row[1]
            }
            return removed
        }
    }

    /// Queues `entries` within a write: each supersedes the waiting (not in flight) rows of its alarm and receiver,
    /// then every receiver touched keeps only its newest ``outboxLimitPerReceiver`` waiting rows.
    func enqueue(_ entries: [OutboxEntry], nowMillis: Int64, _ db: Database) throws -> OutboxDrops {
        guard !entries.isEmpty else { return OutboxDrops() }
        let inFlight = self.outbox.withLock { $0.inFlight }
        var drops = OutboxDrops()
        var touched: [String] = []
        for entry in entries {
            let queued = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM webhook_outbox WHERE receiver = ? AND idempotency_key = ?", arguments: [entry.receiver, entry.idempotencyKey]
            ) ?? false
            guard !queued else { continue }
            let older = try Int64.fetchAll(
                db, sql: "SELECT id FROM webhook_outbox WHERE receiver = ? AND alarm = ?", arguments: [entry.receiver, entry.alarm]
            ).filter { !inFlight.contains($0) }
            try Self.delete(older, db)
            if !older.isEmpty { drops.superseded[entry.receiver, default: 0] += UInt64(older.count) }
            try db.cachedStatement(
                sql: """
                    INSERT INTO webhook_outbox (receiver, alarm, idempotency_key, body, next_attempt_ms, created_ms)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [entry.receiver, entry.alarm, entry.idempotencyKey, Data(entry.body), nowMillis, nowMillis])
            if !touched.contains(entry.receiver) { touched.append(entry.receiver) }
        }
        for receiver in touched {
            let waiting = try Int64.fetchAll(db, sql: "SELECT id FROM webhook_outbox WHERE receiver = ? ORDER BY id", arguments: [receiver])
                .filter { !inFlight.contains($0) }
            let excess = waiting.count - self.outboxLimitPerReceiver
            guard excess > 0 else { continue }
            try Self.delete(waiting.prefix(excess), db)
            drops.outboxFull[receiver, default: 0] += UInt64(excess)
        }
        return drops
    }

    /// Adds what a committed enqueue dropped to the counters.
    func record(_ drops: OutboxDrops) {
        guard !drops.superseded.isEmpty || !drops.outboxFull.isEmpty else { return }
        self.outbox.withLock { state in
            for (receiver, count) in drops.superseded { state.dropped[receiver, default: [:]]["superseded", default: 0] &+= count }
            for (receiver, count) in drops.outboxFull { state.dropped[receiver, default: [:]]["outbox_full", default: 0] &+= count }
        }
    }

    private static func delete(_ ids: some Collection<Int64>, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: "DELETE FROM webhook_outbox WHERE id = ?")
        for id in ids { try statement.execute(arguments: [id]) }
    }

    private static func delivery(_ row: Row) -> WebhookDelivery {
        WebhookDelivery(id: row[0], receiver: row[1], alarm: row[2], idempotencyKey: row[3], body: Array(row[4] as Data), attempts: row[5])
    }
}
