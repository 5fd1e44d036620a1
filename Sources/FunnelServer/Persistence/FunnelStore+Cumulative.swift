import Foundation
import GRDB

extension FunnelStore {
    // MARK: Cumulative OTLP streams

    static func addCumulativeStreams(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE cumulative_streams (
                    stream BLOB NOT NULL PRIMARY KEY, start_ns INTEGER NOT NULL, time_ns INTEGER NOT NULL,
                    value INTEGER NOT NULL, seen_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX cumulative_streams_seen ON cumulative_streams (seen_ms);
                """
        )
    }

    /// Writes stream positions, in the transaction of the counts they produced. Nanosecond times are stored as
    /// their bit patterns (SQLite integers are signed).
    static func write(_ positions: [CumulativePosition], _ db: Database) throws {
        guard !positions.isEmpty else { return }
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO cumulative_streams (stream, start_ns, time_ns, value, seen_ms) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET start_ns = excluded.start_ns, time_ns = excluded.time_ns, value = excluded.value,
                    seen_ms = excluded.seen_ms
                """
        )
        for position in positions {
            try upsert.execute(arguments: [
                Data(position.stream.bytes), Int64(bitPattern: position.startNanos), Int64(bitPattern: position.timeNanos),
                Int64(bitPattern: position.value), position.seenMillis,
            ])
        }
    }

    /// The stored positions of cumulative OTLP streams, to restore on start.
    func cumulativePositions() throws -> [CumulativePosition] {
        guard self.keepsCounts else { return [] }
        return try self.database.read { db in
            try Row.fetchAll(db, sql: "SELECT stream, start_ns, time_ns, value, seen_ms FROM cumulative_streams").compactMap { row in
                guard let bytes = row[0] as Data?, let stream = CumulativeStreamID(bytes: bytes) else { return nil }
                return CumulativePosition(
                    stream: stream, startNanos: UInt64(bitPattern: row[1] as Int64), timeNanos: UInt64(bitPattern: row[2] as Int64),
                    value: UInt64(bitPattern: row[3] as Int64), seenMillis: row[4]
                )
            }
        }
    }

    /// Forgets the positions of streams without a point since `seenBeforeMillis`.
    func forgetCumulativePositions(seenBeforeMillis: Int64) async throws {
        guard self.keepsCounts else { return }
        try await self.database.write { db in
            try db.execute(sql: "DELETE FROM cumulative_streams WHERE seen_ms < ?", arguments: [seenBeforeMillis])
        }
    }
}
