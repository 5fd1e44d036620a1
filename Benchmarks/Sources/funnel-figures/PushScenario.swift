import Foundation

/// Scenario 2b: the same 1,000 counters pushed over HTTP to the Pushgateway (text format) and to Funnel (JSON reports).
///
/// wrk posts one fixed body with 4 keep-alive connections for a fixed time to each; a sample is one counter value.
struct PushScenario {
    let binary: String
    let seconds: Int
    let directory: String

    /// Pushes to the Pushgateway, then to Funnel `memory` and `full`; prints the table, records `http_push` and its target.
    func run(report: FigureReport) throws(FigureError) {
        let series = ReportBodies.series(0..<1000)
        let wrk = WrkLoad(directory: self.directory)
        let connections = 4
        var rows: [[String]] = []
        var json: [String: Any] = ["samples_per_request": series.count, "connections": connections, "seconds_per_run": self.seconds, "load_generator": "wrk"]
        var rates: [String: Double] = [:]

        func measure(_ name: String, _ process: ChildProcess, port: Int, path: String, body: [UInt8], contentType: String) throws(FigureError) {
            let cpuBefore = process.cpuSeconds
            let run = try wrk.post(port: port, path: path, body: body, contentType: contentType, connections: connections, seconds: self.seconds)
            let cpu = process.cpuSeconds - cpuBefore
            let samples = Double(run.requests - run.non2xx) * Double(series.count)
            let rate = samples / run.seconds
            let cpuPerMillion = cpu / (samples / 1_000_000)
            rates[name] = rate
            rows.append([name, Format.count(rate), Format.fixed(cpuPerMillion, 2), Format.fixed(run.p50Millis, 1), Format.fixed(run.p99Millis, 1), "\(run.non2xx)", Format.mebibytes(process.peakResidentBytes)])
            json[name] = [
                "samples_per_second": rate, "cpu_seconds_per_million_samples": cpuPerMillion, "p50_ms": run.p50Millis, "p99_ms": run.p99Millis,
                "non_2xx": run.non2xx, "peak_rss_bytes": process.peakResidentBytes,
            ] as [String: Any]
        }

        let pushgateway = try PushgatewayDaemon()
        do {
            defer { pushgateway.stop() }
            try measure("pushgateway", pushgateway.process, port: pushgateway.http.port, path: "/metrics/job/bench", body: ReportBodies.pushText(series), contentType: "text/plain; version=0.0.4")
        }
        for durability in ["memory", "full"] {
            let server = try FunnelServe(binary: self.binary, durability: durability)
            defer { server.stop() }
            try measure("funnel_\(durability)", server.process, port: server.http.port, path: "/v1/reports", body: ReportBodies.json(series), contentType: "application/json")
        }
        let ratio = (rates["funnel_memory"] ?? 0) / (rates["pushgateway"] ?? .nan)
        let durableRatio = (rates["funnel_full"] ?? 0) / (rates["pushgateway"] ?? .nan)
        json["ratio_funnel_memory_to_pushgateway"] = ratio
        json["ratio_funnel_full_to_pushgateway"] = durableRatio
        report.table(
            "2b. HTTP push, same 1,000 counters per request: Pushgateway (text format) vs Funnel (JSON reports), wrk, \(connections) connections, \(self.seconds) s",
            ["peer", "samples/s", "CPU s / million samples", "p50 ms", "p99 ms", "non-2xx", "peak RSS"], rows,
            notes: [
                "Funnel / Pushgateway: \(Format.times(ratio)) memory-only, \(Format.times(durableRatio)) durable (`full`, each request on disk before 202); the Pushgateway runs without persistence",
                "Pushgateway: POST /metrics/job/bench replaces the group's samples; Funnel adds each count to its ledger",
            ]
        )
        report.record("http_push", json)
        report.target("HTTP push >= 2x Pushgateway", "\(Format.times(ratio)) memory-only, \(Format.times(durableRatio)) durable", met: ratio >= 2)
    }
}
