import FunnelServer
import Testing

/// What a reload keeps at its running value (here the defaults) until a restart, and what it takes.
@Suite struct RestartOnlySettingsTests {
    @Test(arguments: [
        ("listen: 127.0.0.1:9999", ["listen"]),
        ("data_dir: ./elsewhere", ["data_dir"]),
        ("durability: normal", ["durability"]),
        ("timeouts:\n  idle: 90s\n  header: 9s", ["timeouts.idle", "timeouts.header"]),
        ("latency_buckets: [0.1, 1]", ["latency_buckets"]),
        ("log_format: json", ["log_format"]),
        ("statsd:\n  listen: 127.0.0.1:8125\n  forward_unmatched: 127.0.0.1:9125", ["statsd.listen", "statsd.forward_unmatched"]),
        ("limits:\n  max_connections: 10", ["limits.max_connections"]),
        ("limits:\n  max_body_bytes: 2048\nevaluation_interval: 5s\nwebhook:\n  timeout: 3s\nidempotency_window: 1h", []),
    ])
    func restartOnlySettingsKeepTheirRunningValues(change: String, restartRequired: [String]) throws {
        let running = FunnelConfiguration()
        let reloaded = try FunnelConfiguration(yaml: change)
        let (adopted, kept) = running.adoptingReload(reloaded)
        #expect(kept == restartRequired)
        #expect(adopted.listenPort == 9470)
        #expect(adopted.dataDirectory == "./funnel-data")
        #expect(adopted.idleTimeoutSeconds == 60)
        #expect(adopted.logFormat == .text)
        #expect(adopted.statsd.udpListen == nil)
        // What a reload takes comes from the new file, defaults included.
        #expect(adopted.maximumBodyBytes == reloaded.maximumBodyBytes)
        #expect(adopted.alarmIntervalSeconds == reloaded.alarmIntervalSeconds)
        #expect(adopted.webhookTimeoutSeconds == reloaded.webhookTimeoutSeconds)
        #expect(adopted.idempotencyWindowSeconds == reloaded.idempotencyWindowSeconds)
    }
}
