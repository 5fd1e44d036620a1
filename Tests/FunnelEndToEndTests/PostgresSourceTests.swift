import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

/// Postgres sources against a real PostgreSQL server with password authentication.
@Suite struct PostgresSourceTests {
    /// A database with a `jobs` table holding `dead` dead jobs, and a source counting them.
    func setUp(dead: Int, password: String? = nil, query: String? = nil, statementTimeout: Double = 1, timeout: Double = 2) async throws
        -> (PostgresProcess, DLQSourceConfiguration, String)
    {
        let postgres = try await QueueServers.postgres.value()
        let database = uniqueName("jobs").replacingOccurrences(of: "-", with: "_")
        try await postgres.sql("CREATE DATABASE \(database)")
        try await postgres.sql("CREATE TABLE jobs (id serial PRIMARY KEY, state text NOT NULL)", database: database)
        try await postgres.sql("INSERT INTO jobs (state) SELECT 'dead' FROM generate_series(1, \(dead)); INSERT INTO jobs (state) VALUES ('done')", database: database)
        let source = DLQSourceConfiguration(
            pipeline: "billing", queue: database, intervalSeconds: max(0.2, timeout), timeoutSeconds: timeout,
            settings: .postgres(PostgresSourceSettings(
                host: "127.0.0.1", port: postgres.port, user: postgres.user, password: password ?? postgres.password, database: database,
                query: query ?? "SELECT count(*) FROM jobs WHERE state = 'dead'", statementTimeoutSeconds: statementTimeout
            ))
        )
        return (postgres, source, database)
    }

    @Test func countsRowsWithTheConfiguredQuery() async throws {
        let (postgres, source, database) = try await self.setUp(dead: 4, timeout: 0.5)
        let server = try await LiveServer.start(configuration: pollingConfiguration([source]))
        defer { Task { try await server.stop() } }
        try await server.waitForDepth(4, pipeline: "billing", queue: database)
        try await postgres.sql("INSERT INTO jobs (state) VALUES ('dead'), ('dead')", database: database)
        try await server.waitForDepth(6, pipeline: "billing", queue: database)
        #expect(try await server.metric("funnel_dlq_source_up{source=\"postgres:billing/\(database)\",kind=\"postgres\",pipeline=\"billing\",queue=\"\(database)\"}") == 1)
    }

    @Test func theQueryRunsReadOnly() async throws {
        let (postgres, source, database) = try await self.setUp(
            dead: 1, query: "WITH added AS (INSERT INTO jobs (state) VALUES ('dead') RETURNING 1) SELECT count(*) FROM added"
        )
        let server = try await LiveServer.start(configuration: pollingConfiguration([source]))
        defer { Task { try await server.stop() } }
        let status = try await server.waitUntilDown(source.name)
        // PostgreSQL names the statement's top level (SELECT) for a writing CTE.
        #expect(status.lastError?.hasPrefix("\(source.name): query failed: 25006: cannot execute ") == true, "\(status.lastError ?? "")")
        #expect(status.lastError?.hasSuffix(" in a read-only transaction") == true, "\(status.lastError ?? "")")
        #expect(try await postgres.sql("SELECT count(*) FROM jobs WHERE state = 'dead'", database: database) == "1")
    }

    @Test func aWrongPasswordIsTheServersMessage() async throws {
        let (_, source, _) = try await self.setUp(dead: 1, password: "wrong")
        let server = try await LiveServer.start(configuration: pollingConfiguration([source]))
        defer { Task { try await server.stop() } }
        let status = try await server.waitUntilDown(source.name)
        #expect(status.lastError?.hasPrefix("\(source.name): cannot connect to postgres at 127.0.0.1:") == true, "\(status.lastError ?? "")")
        #expect(status.lastError?.hasSuffix("as funnel: 28P01: password authentication failed for user \"funnel\"") == true, "\(status.lastError ?? "")")
    }

    @Test func aSlowQueryIsCancelledAtTheStatementTimeout() async throws {
        let (_, source, _) = try await self.setUp(dead: 1, query: "SELECT count(*) FROM (SELECT pg_sleep(3)) slow", statementTimeout: 0.3, timeout: 2)
        let server = try await LiveServer.start(configuration: pollingConfiguration([source]))
        defer { Task { try await server.stop() } }
        let status = try await server.waitUntilDown(source.name)
        #expect(status.lastError == "\(source.name): query failed: 57014: canceling statement due to statement timeout")
        #expect(status.polls.error >= 1)
    }
}
