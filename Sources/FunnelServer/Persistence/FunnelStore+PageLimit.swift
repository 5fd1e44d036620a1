import GRDB

extension FunnelStore {
    /// Caps the database file at `pages` pages (`PRAGMA max_page_count`) on the writing connection, and returns the
    /// cap SQLite applied; writes that need more room fail as on a full disk. Used to prove how a full disk is answered.
    @discardableResult
    public func limitPages(to pages: Int) async throws -> Int {
        try await self.database.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)") ?? pages
        }
    }

    /// The pages the database file has now (`PRAGMA page_count`).
    public func pageCount() async throws -> Int {
        try await self.database.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
    }
}
