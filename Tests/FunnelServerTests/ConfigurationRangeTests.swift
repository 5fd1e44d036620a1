import FunnelCore
import FunnelServer
import Testing

/// Numbers, durations and sizes out of range are refused by the loader with the file, line, column and key, never
/// taken to trap later where the server turns them into milliseconds.
@Suite struct ConfigurationRangeTests {
    @Test(arguments: [
        ("defaults:\n  bucket: 1e300\n", 2, "defaults.bucket", "expected a duration"),
        ("defaults:\n  settle_after: 1e20\n", 2, "defaults.settle_after", "expected a duration"),
        ("defaults:\n  settle_after: 100000000000000000000s\n", 2, "defaults.settle_after", "at most 100 years"),
        ("retention: \(String(repeating: "9", count: 400))s\n", 1, "retention", "at most 100 years"),
        ("retention: 36526d\n", 1, "retention", "at most 100 years"),
        ("idempotency_window: 99999999999999999999w\n", 1, "idempotency_window", "at most 100 years"),
        ("pipelines:\n  - name: orders\n    settle_after: 9999999999999999999h\n", 3, "pipelines[0].settle_after", "at most 100 years"),
        ("settle_interval: 9999999999999999999999d\n", 1, "settle_interval", "at most 100 years"),
        ("settle_interval: -1\n", 1, "settle_interval", "expected a duration"),
        ("settle_interval: 1ms\n", 1, "settle_interval", "must be at least 10ms, got \"1ms\""),
        ("evaluation_interval: 1e400s\n", 1, "evaluation_interval", "expected a duration"),
        ("timeouts:\n  idle: 99999999999999999999s\n", 2, "timeouts.idle", "at most 100 years"),
        ("timeouts:\n  body: nan\n", 2, "timeouts.body", "expected a duration"),
        ("webhook:\n  timeout: 9999999999999999h\n", 2, "webhook.timeout", "at most 100 years"),
        ("webhook:\n  max_backoff: 99999999999999999999m\n", 2, "webhook.max_backoff", "at most 100 years"),
        ("webhook:\n  max_attempts: 99999999999\n", 2, "webhook.max_attempts", "at most 2147483647"),
        ("limits:\n  max_future: 99999999999999999999s\n", 2, "limits.max_future", "at most 100 years"),
        ("limits:\n  max_body_bytes: 9223372036854775807\n", 2, "limits.max_body_bytes", "at most 2147483647"),
        ("limits:\n  max_body_bytes: 99999999999999999999\n", 2, "limits.max_body_bytes", "expected a whole number"),
        ("limits:\n  max_series: 1e9\n", 2, "limits.max_series", "expected a whole number"),
        ("limits:\n  max_reports_per_request: 0x10\n", 2, "limits.max_reports_per_request", "expected a whole number, got \"0x10\""),
        ("limits:\n  max_pipelines: -1\n", 2, "limits.max_pipelines", "at least 1"),
        ("dlq:\n  stale_after: 99999999999999999999s\n", 2, "dlq.stale_after", "at most 100 years"),
        ("statsd:\n  flush_interval: 99999999999999999999s\n", 2, "statsd.flush_interval", "at most 100 years"),
        ("statsd:\n  receive_buffer: 9223372036854775807\n", 2, "statsd.receive_buffer", "at most 2147483647"),
        ("dlq_sources:\n  - {kind: redis, pipeline: p, queue: q, key: k, interval: -1}\n", 2, "dlq_sources[0].interval", "expected a duration"),
        ("dlq_sources:\n  - {kind: redis, pipeline: p, queue: q, key: k, interval: 99999999999999999999h}\n", 2, "dlq_sources[0].interval", "at most 100 years"),
        (
            "dlq_sources:\n  - {kind: postgres, pipeline: p, queue: q, url: \"postgres://u@localhost/db\", query: \"SELECT 1\", statement_timeout: 999999999s}\n",
            2, "dlq_sources[0].statement_timeout", "at most 596h31m23s"
        ),
        ("receivers: []\nalarms:\n  - {name: a, kind: stalled, pipeline: p, stage: s, window: 99999999999999999999s}\n", 3, "alarms[0].window", "at most 100 years"),
        ("receivers: []\nalarms:\n  - {name: a, kind: stalled, pipeline: p, stage: s, for: 99999999999999999999s}\n", 3, "alarms[0].for", "at most 100 years"),
    ])
    func outOfRangeValuesAreRefusedNamingTheKey(yaml: String, line: Int, key: String, message: String) {
        #expect {
            _ = try FunnelConfiguration(yaml: yaml, file: "funnel.yml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.line == line && error.key == key && error.message.contains(message)
                && error.description.hasPrefix("funnel.yml:\(line):") && error.description.contains(": \(key): ")
        }
    }

    @Test func theLongestDurationIsTakenAndFitsInMilliseconds() throws {
        let configuration = try FunnelConfiguration(yaml: "retention: 36525d\nidempotency_window: 36525d\n")
        #expect(configuration.ledger.retentionSeconds == 36_525 * 86_400)
        #expect(Duration.checkedSeconds(Double(configuration.idempotencyWindowSeconds)) == .seconds(36_525 * 86_400))
    }
}
