import FunnelCore
import FunnelServer
import Testing

@Suite struct StatsDConfigurationTests {
    @Test func readsTheStatsDSection() throws {
        let configuration = try FunnelConfiguration(
            yaml: """
                statsd:
                  listen: "127.0.0.1:8125"
                  tcp_listen: "[::1]:8126"
                  receive_buffer: 16777216
                  flush_interval: 250ms
                  mappings:
                    - match: "*.*.*"
                      pipeline: "$1"
                      stage: "$2"
                      outcome: "$3"
                    - match: "orders.*.latency"
                      match_type: timer
                      pipeline: orders
                      stage: "$1"
                """
        )
        #expect(configuration.statsd.udpListen == ListenAddress(host: "127.0.0.1", port: 8125))
        #expect(configuration.statsd.tcpListen == ListenAddress(host: "::1", port: 8126))
        #expect(configuration.statsd.receiveBufferBytes == 16_777_216)
        #expect(configuration.statsd.flushIntervalSeconds == 0.25)
        #expect(configuration.statsd.mappings == [
            StatsDMapping(match: "*.*.*", pipeline: "$1", stage: "$2", outcome: "$3"),
            StatsDMapping(match: "orders.*.latency", metricType: .timer, pipeline: "orders", stage: "$1"),
        ])
    }

    @Test func isDisabledByDefaultAndByEmptyAddresses() throws {
        #expect(!FunnelConfiguration().statsd.isEnabled)
        #expect(!(try FunnelConfiguration(yaml: "listen: 127.0.0.1:9470\n")).statsd.isEnabled)
        let empty = try FunnelConfiguration(yaml: "statsd:\n  listen: \"\"\n  tcp_listen: \"\"\n")
        #expect(!empty.statsd.isEnabled)
    }

    /// Each problem names the file line and the key.
    @Test(arguments: [
        ("statsd:\n  listen: nowhere\n", "config:2:11: statsd.listen: expected HOST:PORT such as 127.0.0.1:8125, or \"\" to disable, got \"nowhere\""),
        ("statsd:\n  port: 8125\n", "config:2:3: statsd.port: unknown key; expected one of listen, tcp_listen, receive_buffer, flush_interval, flush_lines, max_line_bytes, logged_bad_lines_per_minute, mappings, forward_unmatched"),
        (
            "statsd:\n  mappings:\n    - match: \"*.*\"\n      pipeline: \"$1\"\n      stage: \"$3\"\n",
            "config:5:14: statsd.mappings[0].stage: uses $3 but match \"*.*\" has 2 '*'"
        ),
        (
            "statsd:\n  mappings:\n    - match: \"*\"\n      match_type: histogram\n      pipeline: p\n",
            "config:4:19: statsd.mappings[0].match_type: must be one of counter, timer, gauge; got \"histogram\""
        ),
        ("statsd:\n  mappings:\n    - pipeline: p\n", "config:3:7: statsd.mappings[0]: a mapping needs match, e.g. match: \"*.*.*\""),
        (
            "statsd:\n  mappings:\n    - match: \"*\"\n      pipeline: \"$1\"\n      outcome: lost\n",
            "config:5:16: statsd.mappings[0].outcome: must be one of received, passed, failed, dead_lettered, redelivered, redriven or replayed, or use $n, got \"lost\""
        ),
    ])
    func namesTheLineAndKeyOfAProblem(yaml: String, message: String) {
        #expect(throws: ConfigurationError.self) { try FunnelConfiguration(yaml: yaml) }
        do {
            _ = try FunnelConfiguration(yaml: yaml)
        } catch {
            #expect(error.description == message)
        }
    }
}
