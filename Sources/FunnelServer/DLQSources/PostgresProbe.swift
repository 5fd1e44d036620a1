public import FunnelCore
public import Logging
import NIOCore
import PostgresNIO

/// Reads a depth from PostgreSQL: connects, runs the configured count query in a read-only transaction with a
/// statement timeout, and disconnects.
///
/// One short connection per poll: nothing is held open between polls, and a poll that is abandoned at its timeout
/// takes its connection with it.
public struct PostgresProbe: DLQProbe {
    public let settings: PostgresSourceSettings
    private let logger: Logger

    public init(settings: PostgresSourceSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Connects, counts and disconnects; the connection attempt gives up after `timeoutSeconds`.
    public func read(timeoutSeconds: Double) async throws -> DLQReading {
        var configuration = PostgresConnection.Configuration(
            host: self.settings.host, port: self.settings.port, username: self.settings.user, password: self.settings.password,
            database: self.settings.database, tls: .disable
        )
        configuration.options.connectTimeout = .milliseconds(Int64(millisecondsFromSeconds: max(0.05, timeoutSeconds)) ?? 5000)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: self.logger)
        } catch {
            let timedOut = ((error as? PSQLError)?.underlying as? ChannelError) == .connectTimeout(configuration.options.connectTimeout)
            throw DLQSourceError(
                "cannot connect to postgres at \(self.settings.host):\(self.settings.port) as \(self.settings.user): \(Self.describe(error))",
                timedOut: timedOut
            )
        }
        do {
            let depth = try await withTaskCancellationHandler {
                try await self.count(on: connection)
            } onCancel: {
                connection.close().whenComplete { _ in }
            }
            try? await connection.close()
            return DLQReading(depth: depth)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private func count(on connection: PostgresConnection) async throws -> UInt64 {
        let milliseconds = max(1, Int64(rounding: self.settings.statementTimeoutSeconds * 1000, .up) ?? Int64(Int32.max))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "SET statement_timeout = \(milliseconds)"), logger: self.logger)
            try await connection.query(PostgresQuery(unsafeSQL: "SET default_transaction_read_only = on"), logger: self.logger)
            try await connection.query(PostgresQuery(unsafeSQL: "BEGIN READ ONLY"), logger: self.logger)
        } catch {
            throw DLQSourceError("postgres session setup failed: \(Self.describe(error))")
        }
        var value: UInt64?
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: self.settings.query), logger: self.logger)
            for try await row in rows {
                guard value == nil else { continue }
                guard let cell = row.first else { throw DLQSourceError("the query returned a row without columns") }
                value = try Self.count(cell)
            }
        } catch let error as DLQSourceError {
            throw error
        } catch {
            throw DLQSourceError("query failed: \(Self.describe(error))")
        }
        _ = try? await connection.query(PostgresQuery(unsafeSQL: "ROLLBACK"), logger: self.logger)
        guard let value else { throw DLQSourceError("the query returned no row; it must return one integer, e.g. SELECT count(*) FROM ...") }
        return value
    }

    /// A non-negative integer from an integer, numeric or text column.
    private static func count(_ cell: PostgresCell) throws(DLQSourceError) -> UInt64 {
        if let value = try? cell.decode(Int64.self), value >= 0, UInt64(value) <= ReportBodyParser.maximumDepth { return UInt64(value) }
        if let text = try? cell.decode(String.self), let value = UInt64(text.split(separator: ".").first ?? ""), value <= ReportBodyParser.maximumDepth {
            return value
        }
        throw DLQSourceError("the query's first column \(cell.columnName) is not an integer from 0 to \(ReportBodyParser.maximumDepth) (type \(cell.dataType))")
    }

    /// The server's message (`28P01: password authentication failed for user "x"`) or the connection problem.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo, let message = info[.message] {
                return (info[.sqlState].map { "\($0): " } ?? "") + message
            }
            if let underlying = error.underlying { return ConnectionFailureText.describe(underlying) }
            return "\(error.code)"
        }
        return String(describing: error)
    }
}
