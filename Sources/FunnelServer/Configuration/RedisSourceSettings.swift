/// How to read a depth from Redis: the length of a list, stream or sorted set.
public struct RedisSourceSettings: Sendable, Hashable {
    /// The command that counts the key's entries.
    public enum Command: String, Sendable, Hashable, CaseIterable {
        case llen
        case xlen
        case zcard
    }

    public var host: String
    public var port: Int
    /// Sent with `AUTH` when set.
    public var password: String?
    /// Selected with `SELECT` when not 0.
    public var database: Int
    public var key: String
    public var command: Command

    public init(host: String = "127.0.0.1", port: Int = 6379, password: String? = nil, database: Int = 0, key: String, command: Command = .llen) {
        self.host = host
        self.port = port
        self.password = password
        self.database = database
        self.key = key
        self.command = command
    }
}

extension RedisSourceSettings: CustomStringConvertible, CustomDebugStringConvertible {
    /// The connection without the password: safe to log.
    public var description: String {
        "redis://\(self.password == nil ? "" : ":<redacted>@")\(self.host):\(self.port)/\(self.database) \(self.command.rawValue.uppercased()) \(self.key)"
    }

    public var debugDescription: String { self.description }
}
