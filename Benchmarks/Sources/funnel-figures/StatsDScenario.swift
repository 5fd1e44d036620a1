import Foundation

/// Scenario 2a: the same StatsD stream to Funnel's listener and to collectd's `statsd` plugin, one after the other.
///
/// For each peer a ladder of fixed-rate sends (doubling until a step loses a line, then bisecting) finds the highest
/// rate at which everything sent shows up on its `/metrics` and the kernel dropped nothing. Both peers are then sent
/// the same common rate, to compare CPU per line at equal load; the first step of each ladder (100,000 lines/s) gives
/// the same comparison at a light load, where the cost of waking up for each datagram weighs most.
struct StatsDScenario {
    let binary: String
    let quick: Bool

    /// The outcome of one peer's ladder.
    struct Ladder {
        var steps: [StatsDRateStep] = []
        var best: StatsDRateStep?
        var generatorLimited = false
    }

    /// Runs both ladders and the common-rate step, prints the table, records `statsd` and the two StatsD targets.
    func run(report: FigureReport) throws(FigureError) {
        let stream = StatsDStream.mixed(rounds: 400)
        let seconds = self.quick ? 1.0 : 3.0
        let server = try FunnelServe(binary: self.binary, durability: "memory", statsd: true)
        defer { server.stop() }
        let collectd = try CollectdDaemon(intervalSeconds: 1)
        defer { collectd.stop() }
        let peers = [StatsDPeer.funnel(server), StatsDPeer.collectd(collectd)]
        var ladders: [Ladder] = []
        for peer in peers {
            ladders.append(try self.ladder(peer, stream, seconds: seconds))
        }
        let bestRates = ladders.map { $0.best?.sent.linesPerSecond ?? 0 }
        let common = (bestRates.min() ?? 0) * 0.8
        var commonSteps: [StatsDRateStep?] = []
        for peer in peers {
            var position = 0
            if common > 0 {
                commonSteps.append(try StatsDRateStep.measure(peer, stream, linesPerSecond: common, seconds: seconds, position: &position))
            } else {
                commonSteps.append(nil)
            }
        }
        let lightSteps = ladders.map { $0.steps.first { $0.targetLinesPerSecond == Self.lightRate } }
        var rows: [[String]] = []
        var json: [String: Any] = [
            "step_seconds": seconds, "average_lines_per_datagram": stream.averageLinesPerDatagram,
            "common_rate_lines_per_second": common, "funnel_durability": "memory",
        ]
        for (index, peer) in peers.enumerated() {
            let ladder = ladders[index]
            let best = ladder.best
            let commonStep = commonSteps[index]
            let peak = peer.process.peakResidentBytes
            let light = lightSteps[index]
            rows.append([
                peer.name, best.map { Format.count($0.sent.linesPerSecond) } ?? "none", best.map { Format.fixed($0.cpuSecondsPerMillionLines, 2) } ?? "-",
                commonStep.map { Format.fixed($0.cpuSecondsPerMillionLines, 2) + ($0.zeroLoss ? "" : " (lost lines)") } ?? "-",
                light.map { Format.fixed($0.cpuSecondsPerMillionLines, 2) + ($0.zeroLoss ? "" : " (lost lines)") } ?? "-", Format.mebibytes(peak),
                "\(ladder.steps.count)" + (ladder.generatorLimited ? ", generator-limited" : ""),
            ])
            json[peer.name.lowercased()] = [
                "zero_loss_lines_per_second": best?.sent.linesPerSecond ?? 0,
                "cpu_seconds_per_million_lines_at_best": best?.cpuSecondsPerMillionLines ?? 0,
                "cpu_seconds_per_million_lines_at_common_rate": commonStep?.cpuSecondsPerMillionLines ?? 0,
                "common_rate_zero_loss": commonStep?.zeroLoss ?? false,
                "cpu_seconds_per_million_lines_at_light_rate": light?.cpuSecondsPerMillionLines ?? 0,
                "peak_rss_bytes": peak, "generator_limited": ladder.generatorLimited,
                "steps": ladder.steps.map {
                    ["target": $0.targetLinesPerSecond, "sent_per_second": $0.sent.linesPerSecond, "missing": $0.missing, "kernel_drops": $0.kernelDrops, "zero_loss": $0.zeroLoss] as [String: Any]
                },
            ] as [String: Any]
        }
        let rateRatio = bestRates[0] / bestRates[1]
        let cpuRatio = (commonSteps[0]?.cpuSecondsPerMillionLines ?? .nan) / (commonSteps[1]?.cpuSecondsPerMillionLines ?? .nan)
        json["ratio_lines_per_second_funnel_to_collectd"] = rateRatio
        let lightRatio = (lightSteps[0]?.cpuSecondsPerMillionLines ?? .nan) / (lightSteps[1]?.cpuSecondsPerMillionLines ?? .nan)
        json["ratio_cpu_per_line_funnel_to_collectd"] = cpuRatio
        json["light_rate_lines_per_second"] = Self.lightRate
        json["ratio_cpu_per_line_funnel_to_collectd_at_light_rate"] = lightRatio
        report.table(
            "2. StatsD ingest, same stream: Funnel listener vs collectd statsd + write_prometheus",
            ["peer", "zero-loss lines/s", "CPU s / million lines at that rate", "CPU s / million lines at \(Format.count(common)) lines/s", "at \(Format.count(Self.lightRate)) lines/s", "peak RSS", "ladder steps"], rows,
            notes: [
                "Funnel / collectd: \(Format.times(rateRatio)) the zero-loss rate, \(Format.times(cpuRatio)) the CPU per line at the common rate, \(Format.times(lightRatio)) at \(Format.count(Self.lightRate)) lines/s",
                "stream: counters (received, passed), a timer and a DLQ gauge per (pipeline, stage), 3 pipelines x 5 stages, dotted names, \(Format.fixed(stream.averageLinesPerDatagram, 1)) lines per datagram (<= 1,400 bytes), pre-generated, one connected UDP socket",
                "zero loss: every line sent shows up on the peer's /metrics (Funnel: `funnel_statsd_lines_total{result=\"accepted\"}`; collectd: the sum of its counters) and the kernel dropped no datagram; \(Format.fixed(seconds, 0)) s per step",
                "Funnel runs `durability: memory` here (collectd keeps nothing on disk) and asks for an 8 MiB receive buffer; collectd gets the kernel default (\(Self.defaultReceiveBuffer) bytes), which a step of a few seconds mostly outlasts",
            ]
        )
        report.record("statsd", json)
        report.target("StatsD zero-loss lines/s >= collectd", "\(Format.count(bestRates[0])) vs \(Format.count(bestRates[1])) lines/s (\(Format.times(rateRatio)))", met: bestRates[0] >= bestRates[1])
        report.target("StatsD CPU per line < collectd", "\(Format.times(cpuRatio)) collectd's at \(Format.count(common)) lines/s", met: cpuRatio.isFinite ? cpuRatio < 1 : nil)
        report.target("(same, at a light \(Format.count(Self.lightRate)) lines/s)", "\(Format.times(lightRatio)) collectd's", met: lightRatio.isFinite ? lightRatio < 1 : nil)
    }

    /// The kernel's default UDP receive buffer (`net.core.rmem_default`), which collectd gets.
    static var defaultReceiveBuffer: String {
        ((try? String(contentsOfFile: "/proc/sys/net/core/rmem_default", encoding: .utf8)) ?? "?").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first rate of every ladder, also the light load at which CPU per line is compared.
    static let lightRate = 100_000.0

    /// Doubles the rate from a start until a step loses, then bisects between the last good and the first bad rate.
    func ladder(_ peer: StatsDPeer, _ stream: StatsDStream, seconds: Double) throws(FigureError) -> Ladder {
        var ladder = Ladder()
        var position = 0
        var rate = Self.lightRate
        var bad: Double?
        let bisections = self.quick ? 2 : 4
        var bisected = 0
        let maximumSteps = self.quick ? 8 : 14
        while ladder.steps.count < maximumSteps {
            let step = try StatsDRateStep.measure(peer, stream, linesPerSecond: rate, seconds: seconds, position: &position)
            ladder.steps.append(step)
            print("  \(peer.name): \(Format.count(rate)) lines/s asked, \(Format.count(step.sent.linesPerSecond)) sent, missing \(Format.count(step.missing)), kernel drops \(step.kernelDrops)")
            if step.zeroLoss {
                if ladder.best.map({ step.sent.linesPerSecond > $0.sent.linesPerSecond }) ?? true { ladder.best = step }
                if step.generatorLimited {
                    ladder.generatorLimited = true
                    break
                }
            } else {
                bad = min(bad ?? rate, rate)
            }
            if let bad {
                guard let good = ladder.best?.targetLinesPerSecond else {
                    rate /= 4
                    continue
                }
                guard bisected < bisections else { break }
                bisected += 1
                rate = (good + bad) / 2
            } else {
                rate *= 2
            }
        }
        return ladder
    }
}
