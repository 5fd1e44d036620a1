import Foundation
import FunnelServer

/// Scenario 2c (issue #26): StatsD at real-world cardinality, the same series untagged and tagged by hosts the way
/// the Datadog agent and most DogStatsD clients tag them, side by side with collectd on the untagged stream.
///
/// For each stream a fresh Funnel (and, for the untagged one, collectd) gets the zero-loss ladder of scenario 2 and
/// a fixed step at 1,000,000 lines/s; CPU per line at that rate must stay within 1.5x of the untagged stream's,
/// without loss. The growth of resident memory over the idle server, divided by the distinct lines, says what each
/// distinct line costs to hold.
struct StatsDCardinalityScenario {
    let binary: String
    let quick: Bool

    /// One stream and what it stands for.
    struct Stream {
        var label: String
        var key: String
        var stream: StatsDStream
    }

    /// One peer's figures on one stream.
    struct Row {
        var peer: String
        var stream: Stream
        var ladder: StatsDScenario.Ladder
        var fixed: StatsDRateStep?
        var idleRSS: Int
        var peakRSS: Int
    }

    static let fixedRate = 1_000_000.0

    static func streams() -> [Stream] {
        [
            Stream(label: "untagged, 7,500 series (30 pipelines x 100 stages)", key: "untagged", stream: .fleet(pipelines: 30, stages: 100, hosts: 0)),
            Stream(label: "the same, tagged by 4 hosts", key: "tagged_4_hosts", stream: .fleet(pipelines: 30, stages: 100, hosts: 4)),
            Stream(label: "100,000 distinct lines: 6,250 series x 16 hosts", key: "distinct_100k_lines", stream: .fleet(pipelines: 25, stages: 100, hosts: 16)),
            Stream(label: "100,000 distinct series, untagged (400 pipelines x 100 stages)", key: "distinct_100k_series", stream: .fleet(pipelines: 400, stages: 100, hosts: 0)),
        ]
    }

    /// Runs every stream against a fresh Funnel, the untagged one against collectd too; prints and records `statsd_cardinality`.
    func run(report: FigureReport) throws(FigureError) {
        let seconds = self.quick ? 1.0 : 3.0
        let ladders = StatsDScenario(binary: self.binary, quick: self.quick)
        var rows: [Row] = []
        for stream in Self.streams() {
            print("  stream \(stream.key): \(Format.count(Double(stream.stream.distinctLines))) distinct lines, \(Format.fixed(stream.stream.averageLinesPerDatagram, 1)) lines per datagram")
            let server = try FunnelServe(binary: self.binary, durability: "memory", statsd: true)
            defer { server.stop() }
            rows.append(try self.measure(.funnel(server), stream, ladders: ladders, seconds: seconds))
            server.stop()
            if stream.key == "untagged" {
                let collectd = try CollectdDaemon(intervalSeconds: 1)
                defer { collectd.stop() }
                rows.append(try self.measure(.collectd(collectd), stream, ladders: ladders, seconds: seconds))
            }
        }
        let untagged = rows.first { $0.peer == "Funnel" && $0.stream.key == "untagged" }?.fixed?.cpuSecondsPerMillionLines ?? .nan
        var table: [[String]] = []
        var json: [String: Any] = ["step_seconds": seconds, "fixed_rate_lines_per_second": Self.fixedRate]
        var peerJSON: [String: [String: Any]] = [:]
        var worstRatio = 0.0
        var allLossless = true
        for row in rows {
            let fixedCPU = row.fixed?.cpuSecondsPerMillionLines ?? .nan
            let ratio = row.peer == "Funnel" ? fixedCPU / untagged : .nan
            let distinct = row.stream.stream.distinctLines
            let perLine = Double(row.peakRSS - row.idleRSS) / Double(distinct)
            if row.peer == "Funnel", row.stream.key != "distinct_100k_series" {
                worstRatio = max(worstRatio, ratio)
                allLossless = allLossless && (row.fixed?.zeroLoss ?? false)
            }
            table.append([
                row.peer, row.stream.label, Format.count(Double(distinct)),
                row.ladder.best.map { Format.count($0.sent.linesPerSecond) } ?? "none",
                row.fixed.map { Format.fixed($0.cpuSecondsPerMillionLines, 2) } ?? "-",
                row.fixed.map { $0.zeroLoss ? "lossless" : "lost \(Format.percent($0.missing / Double(max(1, $0.sent.lines))))" } ?? "-",
                row.peer == "Funnel" ? Format.times(ratio) : "",
                Format.mebibytes(row.idleRSS) + " -> " + Format.mebibytes(row.peakRSS), Format.count(perLine),
            ])
            peerJSON[row.peer.lowercased() + "_" + row.stream.key] = [
                "distinct_lines": distinct, "average_lines_per_datagram": row.stream.stream.averageLinesPerDatagram,
                "zero_loss_lines_per_second": row.ladder.best?.sent.linesPerSecond ?? 0, "generator_limited": row.ladder.generatorLimited,
                "cpu_seconds_per_million_lines_at_fixed_rate": row.fixed?.cpuSecondsPerMillionLines ?? 0,
                "fixed_rate_zero_loss": row.fixed?.zeroLoss ?? false, "fixed_rate_missing_lines": row.fixed?.missing ?? 0,
                "fixed_rate_kernel_drops": row.fixed?.kernelDrops ?? 0, "idle_rss_bytes": row.idleRSS, "peak_rss_bytes": row.peakRSS,
                "rss_growth_bytes_per_distinct_line": perLine,
            ] as [String: Any]
        }
        json["runs"] = peerJSON
        json["remembered_meanings_capacity"] = StatsDAccumulator.capacity
        json["remembered_meaning_bytes_besides_key_and_names"] = StatsDAccumulator.bytesPerRememberedLine
        report.table(
            "2c. StatsD at real-world cardinality: the same series untagged and tagged by hosts, `memory`, a fresh server per stream",
            ["peer", "stream", "distinct lines", "zero-loss lines/s", "CPU s / million lines at \(Format.count(Self.fixedRate)) lines/s", "at \(Format.count(Self.fixedRate)) lines/s", "CPU / untagged", "RSS idle -> peak", "RSS bytes per distinct line"],
            table,
            notes: [
                "every series: `received` and `passed` counters per stage, a `|ms` timer every other stage; dotted names under the `funnel.*.*.*` and `funnel.*.*.latency` mappings; hosts tag each line `|#env:prod,host:web-N`",
                "collectd's statsd plugin gets the untagged stream only (it has no DogStatsD tags); its count is its counters, Funnel's every accepted line",
                "CPU per line at \(Format.count(Self.fixedRate)) lines/s is the server's `utime + stime` over a \(Format.fixed(seconds, 0)) s step; other builds on the same 2 cores make it noisy, the ratios less so",
            ]
        )
        json["worst_cpu_ratio_to_untagged_up_to_100k_lines"] = worstRatio
        report.record("statsd_cardinality", json)
        report.target(
            "StatsD up to 100,000 distinct lines: CPU per line within 1.5x of untagged, lossless at 1,000,000 lines/s",
            "worst \(Format.times(worstRatio)) the untagged stream's CPU per line" + (allLossless ? ", every stream lossless" : ", lines lost"),
            met: worstRatio.isFinite ? worstRatio <= 1.5 && allLossless : nil
        )
    }

    /// The ladder and the fixed step of one peer on one stream, with its resident memory idle and at its peak.
    private func measure(_ peer: StatsDPeer, _ stream: Stream, ladders: StatsDScenario, seconds: Double) throws(FigureError) -> Row {
        let idle = peer.process.residentBytes
        var position = 0
        // Warm-up: every distinct line once, so the series exist and the steps measure the steady state.
        let warmUpRate = 250_000.0
        _ = try StatsDRateStep.measure(peer, stream.stream, linesPerSecond: warmUpRate, seconds: Double(stream.stream.distinctLines) / warmUpRate, position: &position)
        let fixed = try StatsDRateStep.measure(peer, stream.stream, linesPerSecond: Self.fixedRate, seconds: seconds, position: &position)
        print("  \(peer.name), \(stream.key): \(Format.count(fixed.sent.linesPerSecond)) lines/s sent, missing \(Format.count(fixed.missing)), kernel drops \(fixed.kernelDrops), \(Format.fixed(fixed.cpuSecondsPerMillionLines, 2)) CPU s per million")
        let ladder = try ladders.ladder(peer, stream.stream, seconds: seconds)
        return Row(peer: peer.name, stream: stream, ladder: ladder, fixed: fixed, idleRSS: idle, peakRSS: peer.process.peakResidentBytes)
    }
}
