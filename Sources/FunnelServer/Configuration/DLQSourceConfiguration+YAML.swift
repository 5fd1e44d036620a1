import FunnelCore
import Foundation
import Yams

extension DLQSourceConfiguration {
    /// Reads `dlq_sources:`, a list of queues whose depth Funnel polls. Unknown keys are errors.
    ///
    /// | key | type | default |
    /// |---|---|---|
    /// | `kind` | `sqs`, `postgres` or `redis` | required |
    /// | `pipeline`, `queue` | names the depth is shown under | required |
    /// | `name` | source id | `<kind>:<pipeline>/<queue>` |
    /// | `interval` | duration, at least 100ms | `10s` |
    /// | `timeout` | duration, at most `interval` | `5s`, or `interval` when shorter |
    /// | sqs: `queue_url` | URL | required |
    /// | sqs: `region` | AWS region | from an `sqs.REGION.amazonaws.com` queue URL, else required |
    /// | sqs: `endpoint` | URL | the queue URL's origin |
    /// | sqs: `profile` | shared credentials profile | none: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, else `AWS_PROFILE` or `default` |
    /// | postgres: `url` | `postgres://USER:PASSWORD@HOST:PORT/DATABASE` | none |
    /// | postgres: `host`, `port`, `user`, `database` | connection | `127.0.0.1`, `5432`, `postgres`, the user |
    /// | postgres: `password` or `password_env` | text, or an environment variable's name | none |
    /// | postgres: `query` | SQL returning one integer | required |
    /// | postgres: `statement_timeout` | duration | `timeout` |
    /// | redis: `url` | `redis://[:PASSWORD@]HOST:PORT[/DB]` | none |
    /// | redis: `host`, `port`, `database` | connection | `127.0.0.1`, `6379`, `0` |
    /// | redis: `password` or `password_env` | text, or an environment variable's name | none |
    /// | redis: `key` | the key holding the dead letters | required |
    /// | redis: `command` | `llen`, `xlen` or `zcard` | `llen` |
    static func list(_ node: ConfigurationNode, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> [DLQSourceConfiguration] {
        var sources: [DLQSourceConfiguration] = []
        for item in try node.sequence() {
            let source = try Self.source(item, environment: environment)
            if let earlier = sources.first(where: { $0.name == source.name }) {
                throw item.error("source \(earlier.name) is declared twice; give one a different name")
            }
            if let earlier = sources.first(where: { $0.pipeline == source.pipeline && $0.queue == source.queue }) {
                throw item.error("queue \(source.pipeline)/\(source.queue) is already read by source \(earlier.name); one source per queue")
            }
            sources.append(source)
        }
        return sources
    }

    private static let common = ConfigurationKeys.dlqSource

    private static func source(_ item: ConfigurationNode, environment: [String: String]) throws(ConfigurationError) -> DLQSourceConfiguration {
        guard let mapping = item.node.mapping else { throw item.error("expected a mapping of keys to values") }
        let kinds = DLQSourceKind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let kindValue = mapping.first(where: { $0.key.string == "kind" })?.value else {
            throw item.error("a DLQ source needs a kind: \(kinds)")
        }
        let kindNode = item.child("kind", kindValue)
        let kindName = try kindNode.string()
        guard let kind = DLQSourceKind(rawValue: kindName) else { throw kindNode.error("must be one of \(kinds); got \(String(reflecting: kindName))") }
        var values: [String: ConfigurationNode] = [:]
        for (key, value) in try item.mapping(allowed: Self.common + ConfigurationKeys.dlqSourceKinds[kind.rawValue, default: []]) { values[key] = value }
        func required(_ key: String) throws(ConfigurationError) -> ConfigurationNode {
            guard let node = values[key] else { throw item.error("kind \(kindName) needs \(key)") }
            return node
        }
        let pipeline = try required("pipeline").name()
        let queue = try required("queue").name()
        let name = try values["name"].map { node throws(ConfigurationError) in try node.string() }
        if let name, name.isEmpty || name.count > 256 { throw values["name"]!.error("must be 1 to 256 characters") }
        let interval = try values["interval"]?.duration(minimumSeconds: 0.1) ?? 10
        var timeout: Double?
        if let node = values["timeout"] {
            let seconds = try node.duration(minimumSeconds: 0.05)
            guard seconds <= interval else {
                throw node.error("must be at most interval (\(DurationText.format(seconds: Int64(rounding: interval, .up) ?? 0))), got \(try node.string()); a poll that runs past the next tick would pile up")
            }
            timeout = seconds
        }
        let settings: DLQSourceSettings
        switch kind {
        case .sqs:
            settings = .sqs(try Self.sqs(values, required: required))
        case .postgres:
            let effectiveTimeout = timeout ?? min(Self.defaultTimeoutSeconds, interval)
            settings = .postgres(try Self.postgres(values, item: item, timeout: effectiveTimeout, environment: environment, required: required))
        case .redis:
            settings = .redis(try Self.redis(values, item: item, environment: environment, required: required))
        }
        return DLQSourceConfiguration(name: name, pipeline: pipeline, queue: queue, intervalSeconds: interval, timeoutSeconds: timeout, settings: settings)
    }

    // MARK: Kinds

    private static func sqs(
        _ values: [String: ConfigurationNode], required: (String) throws(ConfigurationError) -> ConfigurationNode
    ) throws(ConfigurationError) -> SQSSourceSettings {
        let queueNode = try required("queue_url")
        let queueURL = try queueNode.string()
        guard let parsed = URL(string: queueURL), ["http", "https"].contains(parsed.scheme ?? ""), let host = parsed.host, !host.isEmpty,
            parsed.path.count > 1
        else {
            throw queueNode.error("must be an http or https queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq")
        }
        var endpoint = "\(parsed.scheme!)://\(host)" + (parsed.port.map { ":\($0)" } ?? "")
        if let node = values["endpoint"] {
            let text = try node.string()
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false else {
                throw node.error("must be an http or https URL such as http://127.0.0.1:4566")
            }
            endpoint = text.hasSuffix("/") ? String(text.dropLast()) : text
        }
        let region: String
        if let node = values["region"] {
            region = try node.string()
            guard !region.isEmpty, region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                throw node.error("must be an AWS region such as us-east-1, got \(String(reflecting: region))")
            }
        } else {
            let parts = host.split(separator: ".")
            guard parts.count >= 4, parts[0] == "sqs", host.hasSuffix(".amazonaws.com") else {
                throw queueNode.error("needs region: alongside (it cannot be read from host \(host))")
            }
            region = String(parts[1])
        }
        let profile = try values["profile"].map { node throws(ConfigurationError) in try node.string() }
        return SQSSourceSettings(queueURL: queueURL, region: region, endpoint: endpoint, profile: profile)
    }

    private static func postgres(
        _ values: [String: ConfigurationNode], item: ConfigurationNode, timeout: Double, environment: [String: String],
        required: (String) throws(ConfigurationError) -> ConfigurationNode
    ) throws(ConfigurationError) -> PostgresSourceSettings {
        var settings = PostgresSourceSettings(query: "", statementTimeoutSeconds: timeout)
        var database: String?
        if let node = values["url"] {
            for key in ["host", "port", "user", "database"] where values[key] != nil {
                throw values[key]!.error("give either url or \(key), not both")
            }
            let text = try node.string()
            guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? ""), let host = url.host, !host.isEmpty else {
                throw node.error("must be a URL such as postgres://user:password@127.0.0.1:5432/app")
            }
            settings.host = host
            settings.port = url.port ?? 5432
            if let user = url.user, !user.isEmpty { settings.user = user.removingPercentEncoding ?? user }
            if let password = url.password { settings.password = password.removingPercentEncoding ?? password }
            let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
            if !path.isEmpty { database = path }
        }
        if let node = values["host"] { settings.host = try node.string() }
        if let node = values["port"] { settings.port = try Self.port(node) }
        if let node = values["user"] { settings.user = try node.string() }
        if let node = values["database"] { database = try node.string() }
        settings.database = database ?? settings.user
        if let password = try Self.password(values, environment: environment) { settings.password = password }
        let queryNode = try required("query")
        settings.query = try queryNode.string().trimmingCharacters(in: .whitespacesAndNewlines)
        guard !settings.query.isEmpty else { throw queryNode.error("must be a query returning one integer, e.g. SELECT count(*) FROM jobs WHERE failed") }
        if settings.query.hasSuffix(";") { settings.query.removeLast() }
        guard !settings.query.contains(";") else { throw queryNode.error("must be a single statement (no ;)") }
        if let node = values["statement_timeout"] {
            settings.statementTimeoutSeconds = try node.duration(minimumSeconds: 0.001)
            guard settings.statementTimeoutSeconds <= Double(Int32.max) / 1000 else {
                throw node.error("must be at most 596h31m23s (PostgreSQL's statement_timeout limit), got \(String(reflecting: try node.string()))")
            }
        }
        return settings
    }

    private static func redis(
        _ values: [String: ConfigurationNode], item: ConfigurationNode, environment: [String: String],
        required: (String) throws(ConfigurationError) -> ConfigurationNode
    ) throws(ConfigurationError) -> RedisSourceSettings {
        var settings = RedisSourceSettings(key: "")
        if let node = values["url"] {
            for key in ["host", "port", "database"] where values[key] != nil {
                throw values[key]!.error("give either url or \(key), not both")
            }
            let text = try node.string()
            guard let url = URLComponents(string: text), url.scheme == "redis", let host = url.host, !host.isEmpty else {
                throw node.error("must be a URL such as redis://:password@127.0.0.1:6379/0 (rediss:// is not supported)")
            }
            settings.host = host
            settings.port = url.port ?? 6379
            if let password = url.password, !password.isEmpty { settings.password = password.removingPercentEncoding ?? password }
            let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
            if !path.isEmpty {
                guard let database = Int(path), database >= 0 else { throw node.error("the path must be a database number, got \(String(reflecting: path))") }
                settings.database = database
            }
        }
        if let node = values["host"] { settings.host = try node.string() }
        if let node = values["port"] { settings.port = try Self.port(node) }
        if let node = values["database"] { settings.database = try node.integer(minimum: 0) }
        if let password = try Self.password(values, environment: environment) { settings.password = password }
        let keyNode = try required("key")
        settings.key = try keyNode.string()
        guard !settings.key.isEmpty else { throw keyNode.error("must not be empty") }
        if let node = values["command"] {
            let text = try node.string()
            guard let command = RedisSourceSettings.Command(rawValue: text.lowercased()) else {
                throw node.error("must be one of llen, xlen, zcard; got \(String(reflecting: text))")
            }
            settings.command = command
        }
        return settings
    }

    private static func port(_ node: ConfigurationNode) throws(ConfigurationError) -> Int {
        let port = try node.integer(minimum: 1)
        guard port <= 65535 else { throw node.error("must be a port from 1 to 65535, got \(port)") }
        return port
    }

    private static func password(_ values: [String: ConfigurationNode], environment: [String: String]) throws(ConfigurationError) -> String? {
        if let node = values["password"] {
            if let other = values["password_env"] { throw other.error("give either password or password_env, not both") }
            return try node.string()
        }
        guard let node = values["password_env"] else { return nil }
        let variable = try node.string()
        guard let text = environment[variable], !text.isEmpty else { throw node.error("environment variable \(variable) is not set") }
        return text
    }
}
