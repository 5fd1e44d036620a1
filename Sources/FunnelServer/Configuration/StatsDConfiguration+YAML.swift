import FunnelCore
import Yams

extension StatsDConfiguration {
    /// Reads the `statsd` section of the configuration file. Every key is optional; unknown keys are errors.
    ///
    /// | key | type | default |
    /// |---|---|---|
    /// | `statsd.listen` | `HOST:PORT`, `""` disables | `""` (disabled) |
    /// | `statsd.tcp_listen` | `HOST:PORT`, `""` disables | `""` (disabled) |
    /// | `statsd.receive_buffer` | bytes | `8388608` |
    /// | `statsd.flush_interval` | duration | `100ms` |
    /// | `statsd.flush_lines` | integer | `10000` |
    /// | `statsd.max_line_bytes` | integer | `65536` |
    /// | `statsd.logged_bad_lines_per_minute` | integer | `5` |
    /// | `statsd.forward_unmatched` | `HOST:PORT` of another StatsD, `""` disables | `""` (unmatched lines are counted as `unmapped`) |
    /// | `statsd.mappings[].match` | glob, `*` matches one part of a dotted name | required |
    /// | `statsd.mappings[].match_type` | `counter`, `timer` or `gauge` | any type |
    /// | `statsd.mappings[].pipeline`, `.stage`, `.outcome`, `.queue` | text with `$1`... for the `*` matches | from tags |
    init(node: ConfigurationNode) throws(ConfigurationError) {
        self.init()
        for (key, value) in try node.mapping(allowed: ConfigurationKeys.statsd) {
            switch key {
            case "listen":
                self.udpListen = try Self.address(value)
            case "tcp_listen":
                self.tcpListen = try Self.address(value)
            case "receive_buffer":
                self.receiveBufferBytes = try value.integer(minimum: 4096)
            case "flush_interval":
                self.flushIntervalSeconds = try value.duration(minimumSeconds: 0.001)
            case "flush_lines":
                self.flushLines = try value.integer(minimum: 1)
            case "max_line_bytes":
                self.maximumLineBytes = try value.integer(minimum: 256)
            case "logged_bad_lines_per_minute":
                self.loggedBadLinesPerMinute = try value.integer(minimum: 0)
            case "forward_unmatched":
                self.forwardUnmatched = try Self.address(value)
            case "mappings":
                self.mappings = try value.sequence().map { (node) throws(ConfigurationError) in try Self.mapping(node) }
            default:
                break
            }
        }
    }

    private static func address(_ node: ConfigurationNode) throws(ConfigurationError) -> ListenAddress? {
        let text = node.node.null != nil ? "" : try node.string()
        switch ListenAddress.parseOptional(text) {
        case .success(let address): return address
        case .failure(let error): throw node.error(error.description)
        }
    }

    private static func mapping(_ node: ConfigurationNode) throws(ConfigurationError) -> StatsDMapping {
        var match: String?
        var mapping = StatsDMapping(match: "")
        var nodes: [String: ConfigurationNode] = [:]
        for (key, value) in try node.mapping(allowed: ConfigurationKeys.statsdMapping) {
            nodes[key] = value
            switch key {
            case "match":
                match = try value.string()
            case "match_type":
                let text = try value.string()
                guard let type = StatsDMetricType(rawValue: text) else {
                    throw value.error("must be one of counter, timer, gauge; got \(String(reflecting: text))")
                }
                mapping.metricType = type
            case "pipeline": mapping.pipeline = try value.string()
            case "stage": mapping.stage = try value.string()
            case "outcome": mapping.outcome = try value.string()
            case "queue": mapping.queue = try value.string()
            default: break
            }
        }
        guard let match else { throw node.error("a mapping needs match, e.g. match: \"*.*.*\"") }
        var rule = StatsDMapping(match: match, metricType: mapping.metricType)
        rule.pipeline = mapping.pipeline
        rule.stage = mapping.stage
        rule.outcome = mapping.outcome
        rule.queue = mapping.queue
        if let (field, problem) = rule.problem() {
            throw (nodes[field] ?? node).error(problem)
        }
        return rule
    }
}
