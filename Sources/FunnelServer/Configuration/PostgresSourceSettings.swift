/// How to read a depth from PostgreSQL: a read-only count query with a statement timeout.
public struct PostgresSourceSettings: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var user: String
    /// The password, from `password` or the variable named by `password_env`; nil for trust or peer authentication.
    public var password: String?
    public var database: String
    /// A query returning one row with one integer column, e.g. `SELECT count(*) FROM jobs WHERE state = 'dead'`.
    public var query: String
    /// Seconds PostgreSQL lets the query run (`SET statement_timeout`).
    public var statementTimeoutSeconds: Double

    public init(
        host: String = "127.0.0.1", port: Int = 5432, user: String = "postgres", password: String? = nil, database: String? = nil,
        query: String, statementTimeoutSeconds: Double
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database ?? user
        self.query = query
        self.statementTimeoutSeconds = statementTimeoutSeconds
    }
}

extension PostgresSourceSettings: CustomStringConvertible, CustomDebugStringConvertible {
    /// The connection without the password: safe to log.
    public var description: String {
        "postgres://\(self.user)\(self.password == nil ? "" : ":<redacted>")@\(self.host):\(self.port)/\(self.database) \(String(reflecting: self.query))"
    }

    public var debugDescription: String { self.description }
}
