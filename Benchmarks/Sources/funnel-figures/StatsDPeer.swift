/// A StatsD daemon under test: where to send lines, where to read what it counted, and its process.
struct StatsDPeer {
    let name: String
    let udpPort: Int
    let http: LoopbackHTTP
    let process: ChildProcess
    /// What the peer has counted so far, read from its `/metrics`: lines (Funnel) or counter increments (collectd).
    let counted: (ExpositionSamples) -> Double
    /// Whether ``counted`` counts every line (true) or only counter lines (false).
    let countsEveryLine: Bool
    /// How long the count must stay unchanged before a step is judged: longer than the peer's flush interval.
    let quietSeconds: Double

    /// Funnel: `funnel_statsd_lines_total{result="accepted"}`.
    static func funnel(_ server: FunnelServe) -> StatsDPeer {
        StatsDPeer(
            name: "Funnel", udpPort: server.statsdPort!, http: server.http, process: server.process,
            counted: { $0.sum("funnel_statsd_lines_total", containing: [#"result="accepted""#]) },
            countsEveryLine: true, quietSeconds: 1.0
        )
    }

    /// collectd: the sum of `collectd_statsd_derive_total` (counters are cumulative with `DeleteCounters false`).
    static func collectd(_ daemon: CollectdDaemon) -> StatsDPeer {
        StatsDPeer(
            name: "collectd", udpPort: daemon.statsdPort, http: daemon.http, process: daemon.process,
            counted: { $0.sum("collectd_statsd_derive_total") },
            countsEveryLine: false, quietSeconds: Double(daemon.intervalSeconds) * 2.5
        )
    }

    /// The current count, or nil when `/metrics` cannot be read.
    func currentCount() -> Double? {
        guard let text = try? self.http.get("/metrics") else { return nil }
        return self.counted(ExpositionSamples(text))
    }
}
