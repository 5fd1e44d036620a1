import FunnelCore
import GRDB

extension FunnelStore {
    // MARK: Alarms

    /// Saves alarm states and queues their notifications in one transaction, so a restart neither loses a
    /// notification nor fires an alarm twice.
    ///
    /// A queued notification supersedes the older ones of the same alarm still waiting for the same receiver, and
    /// each receiver keeps at most ``outboxLimitPerReceiver`` waiting (the oldest go); both are counted.
    public func saveAlarms(_ states: [AlarmStateRecord], deliveries: [OutboxEntry], nowMillis: Int64) async throws {
        let drops = try await self.database.write { db -> OutboxDrops in
            for record in states {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO alarm_states (name, state, pending_since_ms, firing_since_ms, last_notified_ms, sequence, resolved_at_ms)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT DO UPDATE SET state = excluded.state, pending_since_ms = excluded.pending_since_ms,
                            firing_since_ms = excluded.firing_since_ms, last_notified_ms = excluded.last_notified_ms,
                            sequence = excluded.sequence, resolved_at_ms = excluded.resolved_at_ms
                        """
                ).execute(arguments: [
                    record.name, record.state.rawValue, record.pendingSinceMillis, record.firingSinceMillis,
                    record.lastNotifiedMillis, record.sequence, record.resolvedAtMillis,
                ])
            }
            return try self.enqueue(deliveries, nowMillis: nowMillis, db)
        }
        self.record(drops)
    }

    /// The saved alarm states.
    public func alarmStates() throws -> [AlarmStateRecord] {
        try self.database.read { db in
            try Row.fetchAll(db, sql: "SELECT name, state, pending_since_ms, firing_since_ms, last_notified_ms, sequence, resolved_at_ms FROM alarm_states")
                .compactMap { row in
                    guard let state = AlarmState(rawValue: row[1]) else { return nil }
                    return AlarmStateRecord(
                        name: row[0], state: state, pendingSinceMillis: row[2], firingSinceMillis: row[3],
                        lastNotifiedMillis: row[4], sequence: row[5], resolvedAtMillis: row[6]
                    )
                }
        }
    }
}
