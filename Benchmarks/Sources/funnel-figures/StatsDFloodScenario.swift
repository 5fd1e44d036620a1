import Foundation

/// Scenario 1b: HTTP ingest while a StatsD flood of new series runs past the series limit.
///
/// The server (`durability: full`, `limits.max_series: 2000`) first fills its series with the HTTP batch's stages and
/// a flood of StatsD series, so that every further new series is refused (`too_many_series`). wrk then posts the HTTP
/// batch with 16 connections for a fixed time: alone; while a sender floods StatsD lines that each name a series never
/// seen before (all refused); and, as a control, while the same rate of distinct lines counts into a known series (each
/// line carries a tag of its own, so the listener works each one out as it does a new series). Refusing must cost HTTP
/// ingest no more than the control does: what is left is the CPU the flood itself takes on the same cores.
struct StatsDFloodScenario {
    let binary: String
    let seconds: Int
    let directory: String
    /// StatsD lines per second of the flood.
    static let floodLinesPerSecond = 200_000.0

    /// Runs both phases, prints the table, records `statsd_flood`.
    func run(report: FigureReport) throws(FigureError) {
        let server = try FunnelServe(binary: self.binary, durability: "full", statsd: true, maximumSeries: 2000)
        defer { server.stop() }
        guard let statsdPort = server.statsdPort else { throw FigureError("the StatsD listener did not start") }
        let body = ReportBodies.ingestBatch()
        let wrk = WrkLoad(directory: self.directory)
        _ = try wrk.post(port: server.http.port, path: "/v1/reports", body: body, contentType: "application/json", connections: 1, seconds: 1)
        let flood = Self.flood(lines: 400_000)
        var position = 0
        _ = try StatsDSender(port: statsdPort).send(flood, linesPerSecond: Self.floodLinesPerSecond, seconds: 1, position: &position)
        // A server that refuses slowly takes a while to count the first refusal: wait up to 60 s for it.
        var waited = 0.0
        while try Self.refused(server) == 0 {
            guard waited < 60 else { throw FigureError("the flood did not reach the series limit (no line refused as too_many_series in 60 s)") }
            Thread.sleep(forTimeInterval: 0.5)
            waited += 0.5
        }

        var rows: [[String]] = []
        var runs: [[String: Any]] = []
        var rates: [Double] = []
        let control = Self.control(lines: 400_000)
        for phase in ["none", "refused", "accepted"] {
            let stream = phase == "refused" ? flood : control
            let sender = phase == "none" ? nil : FloodThread(port: statsdPort, stream: stream, seconds: Double(self.seconds) + 1, position: phase == "refused" ? position : 0)
            sender?.start()
            let cpuBefore = server.process.cpuSeconds
            let refusedStart = try Self.refused(server)
            let run = try wrk.post(port: server.http.port, path: "/v1/reports", body: body, contentType: "application/json", connections: 16, seconds: self.seconds)
            let cpu = server.process.cpuSeconds - cpuBefore
            sender?.wait()
            Thread.sleep(forTimeInterval: 1.5)
            let refusedLines = try Self.refused(server) - refusedStart
            let rate = Double(run.requests - run.non2xx) * 1000 / run.seconds
            rates.append(rate)
            let label = ["none": "none", "refused": "\(Format.count(Self.floodLinesPerSecond)) lines/s, each a new series (refused)", "accepted": "\(Format.count(Self.floodLinesPerSecond)) lines/s, distinct lines of a known series (control)"][phase]!
            rows.append([
                label, Format.count(rate),
                Format.fixed(run.p50Millis, 1), Format.fixed(run.p99Millis, 1), Format.fixed(cpu, 2), Format.count(Double(refusedLines)), "\(run.non2xx)",
            ])
            runs.append([
                "flood": phase, "reports_per_second": rate, "ack_p50_ms": run.p50Millis, "ack_p99_ms": run.p99Millis,
                "server_cpu_seconds": cpu, "statsd_lines_refused_too_many_series": refusedLines, "non_2xx": run.non2xx,
            ])
        }
        let ratio = rates[1] / rates[0]
        let controlRatio = rates[2] / rates[0]
        report.table(
            "1b. HTTP ingest during a StatsD flood past the series limit: `full`, 16 clients, wrk for \(self.seconds) s",
            ["StatsD flood at the same time", "reports/s", "ack p50 ms", "ack p99 ms", "server CPU s", "lines refused (too_many_series)", "non-2xx"], rows,
            notes: [
                "with the refused flood / without: \(Format.fixed(ratio, 2))x the HTTP reports/s; with the control flood: \(Format.fixed(controlRatio, 2))x",
                "every flood line names a series never seen before, after `limits.max_series: 2000` is reached; the flood runs on the same 2 cores",
            ]
        )
        report.record("statsd_flood", ["seconds_per_run": self.seconds, "flood_lines_per_second": Self.floodLinesPerSecond, "runs": runs, "ratio_with_flood": ratio, "ratio_with_control_flood": controlRatio])
    }

    /// `lines` counter lines, each naming a pipeline (and so a series) of its own, packed into datagrams.
    static func flood(lines: Int) -> StatsDStream {
        StatsDStream(packing: (0..<lines).map { ("funnel.flood-\($0).s.received:1|c", true) })
    }

    /// `lines` counter lines of one series the HTTP batch already counts, each made distinct by a tag Funnel ignores.
    static func control(lines: Int) -> StatsDStream {
        StatsDStream(packing: (0..<lines).map { ("funnel.bench.stage-0.received:1|c|#n:\($0)", true) })
    }

    /// StatsD lines refused so far because they would add a series beyond the limit.
    static func refused(_ server: FunnelServe) throws(FigureError) -> Int {
        let text = try server.http.get("/metrics")
        let line = text.split(separator: "\n").first { $0.hasPrefix(#"funnel_statsd_lines_total{result="too_many_series"}"#) }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { Int($0) } ?? 0
    }
}

/// Sends a StatsD stream at the flood rate on a thread of its own, while the main thread drives wrk.
final class FloodThread: @unchecked Sendable {
    // @unchecked: the stored properties are set in init and only read by the thread; `done` is a semaphore.
    private let port: Int
    private let stream: StatsDStream
    private let seconds: Double
    private let position: Int
    private let done = DispatchSemaphore(value: 0)

    init(port: Int, stream: StatsDStream, seconds: Double, position: Int) {
        self.port = port
        self.stream = stream
        self.seconds = seconds
        self.position = position
    }

    func start() {
        Thread {
            var position = self.position
            _ = try? StatsDSender(port: self.port).send(self.stream, linesPerSecond: StatsDFloodScenario.floodLinesPerSecond, seconds: self.seconds, position: &position)
            self.done.signal()
        }.start()
    }

    func wait() { self.done.wait() }
}
