import FunnelServer
import Testing

/// The listener's limits and timeouts in YAML: read, defaulted, and refused when not positive and finite.
@Suite struct ListenerConfigurationTests {
    @Test func readsTheListenerLimitsAndTimeouts() throws {
        let configuration = try FunnelConfiguration(yaml: """
            limits:
              max_connections: 300
              min_body_bytes_per_second: 512.5
            timeouts:
              header: 3s
              body_grace: 500ms
              body: 20s
              idle: 90s
            """)
        #expect(configuration.maximumConnections == 300)
        #expect(configuration.minimumBodyBytesPerSecond == 512.5)
        #expect(configuration.headerTimeoutSeconds == 3)
        #expect(configuration.bodyGraceSeconds == 0.5)
        #expect(configuration.bodyTimeoutSeconds == 20)
        #expect(configuration.idleTimeoutSeconds == 90)
    }

    @Test func theDefaultsLeaveTheCapToTheFileLimit() {
        let configuration = FunnelConfiguration()
        #expect(configuration.maximumConnections == nil)
        #expect(configuration.headerTimeoutSeconds == 5)
        #expect(configuration.bodyGraceSeconds == 2)
        #expect(configuration.minimumBodyBytesPerSecond == 1024)
    }

    @Test(arguments: [
        ("limits:\n  max_connections: 0\n", "limits.max_connections", "at least 1"),
        ("limits:\n  max_connections: -5\n", "limits.max_connections", "at least 1"),
        ("limits:\n  max_connections: many\n", "limits.max_connections", "whole number"),
        ("limits:\n  min_body_bytes_per_second: 0\n", "limits.min_body_bytes_per_second", "more than 0"),
        ("limits:\n  min_body_bytes_per_second: -1\n", "limits.min_body_bytes_per_second", "more than 0"),
        ("limits:\n  min_body_bytes_per_second: .inf\n", "limits.min_body_bytes_per_second", "expected a number"),
        ("limits:\n  min_body_bytes_per_second: nan\n", "limits.min_body_bytes_per_second", "expected a number"),
        ("limits:\n  min_body_bytes_per_second: 1e999\n", "limits.min_body_bytes_per_second", "expected a number"),
        ("timeouts:\n  header: 0s\n", "timeouts.header", "at least"),
        ("timeouts:\n  header: soon\n", "timeouts.header", "expected a duration"),
        ("timeouts:\n  header: 48h\n", "timeouts.header", "at most 24h"),
        ("timeouts:\n  body_grace: forever\n", "timeouts.body_grace", "expected a duration"),
        ("timeouts:\n  body_grace: 100000h\n", "timeouts.body_grace", "at most 24h"),
        ("timeouts:\n  linger: 1s\n", "timeouts.linger", "unknown key"),
    ])
    func refusesLimitsThatAreNotPositiveAndFinite(yaml: String, key: String, message: String) {
        #expect {
            _ = try FunnelConfiguration(yaml: yaml, file: "funnel.yml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.key == key && error.message.contains(message)
        }
    }
}
