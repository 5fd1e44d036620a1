import Foundation

/// Scenario 1: HTTP ingest into the external `funnel serve`, batches of 1,000 reports over keep-alive connections.
///
/// wrk posts the same body with 1, 4 and 16 connections for a fixed time, once per durability; the server's CPU is
/// read from `/proc/PID/stat` before and after. A 10x overload (160 connections against 64 allowed at once) follows.
struct HTTPIngestScenario {
    let binary: String
    let seconds: Int
    let directory: String

    /// Runs every durability and client count, prints the table, records `http_ingest` and the two HTTP targets.
    func run(report: FigureReport) throws(FigureError) {
        let body = ReportBodies.ingestBatch()
        let wrk = WrkLoad(directory: self.directory)
        var rows: [[String]] = []
        var runs: [[String: Any]] = []
        var rates: [String: Double] = [:]
        var overload: [String: Any] = [:]
        for durability in ["memory", "full"] {
            let server = try FunnelServe(binary: self.binary, durability: durability)
            defer { server.stop() }
            for clients in [1, 4, 16, 160] {
                let cpuBefore = server.process.cpuSeconds
                let run = try wrk.post(port: server.http.port, path: "/v1/reports", body: body, contentType: "application/json", connections: clients, seconds: self.seconds)
                let cpu = server.process.cpuSeconds - cpuBefore
                let reports = Double(run.requests - run.non2xx) * 1000
                let rate = reports / run.seconds
                let cpuPerMillion = reports > 0 ? cpu / (reports / 1_000_000) : .nan
                if clients == 160 {
                    if durability == "full" {
                        overload = [
                            "clients": clients, "reports_per_second": rate, "refused_requests": run.non2xx,
                            "peak_rss_bytes": server.process.peakResidentBytes, "socket_errors": run.socketErrors,
                        ]
                    }
                    continue
                }
                rates["\(durability)-\(clients)"] = rate
                rows.append([durability, "\(clients)", Format.count(rate), Format.fixed(run.p50Millis, 1), Format.fixed(run.p99Millis, 1), Format.fixed(cpuPerMillion, 2), "\(run.non2xx)"])
                runs.append([
                    "durability": durability, "clients": clients, "reports_per_second": rate, "ack_p50_ms": run.p50Millis,
                    "ack_p99_ms": run.p99Millis, "cpu_seconds_per_million_reports": cpuPerMillion, "non_2xx": run.non2xx,
                    "server_peak_rss_bytes": server.process.peakResidentBytes,
                ])
            }
        }
        let bestMemory = [1, 4, 16].compactMap { rates["memory-\($0)"] }.max() ?? 0
        let bestFull = [1, 4, 16].compactMap { rates["full-\($0)"] }.max() ?? 0
        let cost = 1 - bestFull / bestMemory
        let difference = cost >= 0 ? Format.percent(cost) + " slower" : Format.percent(-cost) + " faster (run-to-run noise)"
        report.table(
            "1. HTTP ingest: external `funnel serve`, batches of 1,000 reports, keep-alive, wrk for \(self.seconds) s",
            ["durability", "clients", "reports/s", "ack p50 ms", "ack p99 ms", "server CPU s / million reports", "non-2xx"], rows,
            notes: [
                "durable (`full`) best vs memory-only best: \(difference)",
                "10x overload, `full`, 160 connections (64 allowed at once): \(Format.count(overload["reports_per_second"] as? Double ?? 0)) reports/s accepted, \(overload["refused_requests"] ?? 0) requests answered 503, server peak RSS \(Format.mebibytes(overload["peak_rss_bytes"] as? Int ?? 0))",
                "load: wrk (C, static request, 1-2 threads) on the same 2 cores as the server",
            ]
        )
        report.record("http_ingest", [
            "seconds_per_run": self.seconds, "load_generator": "wrk", "runs": runs,
            "best_memory_reports_per_second": bestMemory, "best_full_reports_per_second": bestFull, "durability_cost_ratio": cost,
            "overload": overload,
        ])
        report.target("HTTP ingest >= 1,000,000 reports/s memory-only", Format.count(bestMemory) + " reports/s", met: bestMemory >= 1_000_000)
        report.target("HTTP ingest durable within 20% of memory-only", Format.count(bestFull) + " reports/s (" + difference + ")", met: cost <= 0.20)
    }
}
