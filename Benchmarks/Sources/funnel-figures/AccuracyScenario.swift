import Foundation

/// Scenario 5: worst relative error at p50, p99 and p99.9 for Funnel's sketches and collectd's `TimerPercentile`,
/// fed the same StatsD timers.
///
/// collectd computes percentiles per interval and resets them, so it runs with a 10 s `Interval`, and the samples
/// are sent right after one of its dispatches (seen as a new timestamp on a sentinel counter) and well within one
/// interval; the count it reports for that interval confirms that all samples landed in it. Funnel is read from its
/// 1-minute window. Exact quantiles come from the values as sent (three decimals), rank floor(q (n - 1)).
struct AccuracyScenario {
    let binary: String
    let quick: Bool

    /// The quantiles compared, with the label each peer gives them.
    static let quantiles: [(q: Double, funnel: String, collectd: String)] = [
        (0.5, "0.5", "percentile-50"), (0.99, "0.99", "percentile-99"),
        // collectd names a percentile with %.0f, so 99.9 shows as "percentile-100".
        (0.999, "0.999", "percentile-100"),
    ]

    /// Feeds Funnel, then collectd, the same timers; prints the table and records `quantile_accuracy`.
    func run(report: FigureReport) throws(FigureError) {
        let count = self.quick ? 20_000 : 100_000
        let rate = 50_000.0
        var exact: [String: [Double]] = [:]
        var lines: [(String, Bool)] = []
        var values: [String: [Double]] = [:]
        for distribution in LatencySamples.distributions {
            values[distribution] = LatencySamples.values(distribution, count: count).map { Double(StatsDStream.formatted($0))! }
            exact[distribution] = values[distribution]!.sorted()
        }
        for index in 0..<count {
            for distribution in LatencySamples.distributions {
                lines.append(("funnel.acc.\(distribution).latency:\(StatsDStream.formatted(values[distribution]![index]))|ms", false))
            }
        }
        let stream = StatsDStream(packing: lines)

        // Funnel
        var measured: [String: [String: [Double]]] = ["Funnel": [:], "collectd": [:]]
        var counts: [String: [String: Double]] = ["Funnel": [:], "collectd": [:]]
        var drops: [String: Int] = [:]
        do {
            let server = try FunnelServe(binary: self.binary, durability: "memory", statsd: true)
            defer { server.stop() }
            let dropsBefore = StatsDSender.kernelDrops(port: server.statsdPort!)
            _ = try StatsDSender(port: server.statsdPort!).sendAll(stream, linesPerSecond: rate)
            let deadline = Monotonic.now + 20
            var samples = ExpositionSamples("")
            while Monotonic.now < deadline {
                Monotonic.sleep(0.2)
                samples = ExpositionSamples(try server.http.get("/metrics"))
                let received = LatencySamples.distributions.map { samples.value("funnel_stage_latency_seconds_count", containing: [#"pipeline="acc""#, #"stage="\#($0)""#]) ?? 0 }
                if received.allSatisfy({ $0 >= Double(count) }) { break }
            }
            drops["Funnel"] = StatsDSender.kernelDrops(port: server.statsdPort!) - dropsBefore
            for distribution in LatencySamples.distributions {
                counts["Funnel"]![distribution] = samples.value("funnel_stage_latency_seconds_count", containing: [#"pipeline="acc""#, #"stage="\#(distribution)""#]) ?? 0
                measured["Funnel"]![distribution] = Self.quantiles.map {
                    (samples.value("funnel_stage_latency_quantile_seconds", containing: [#"stage="\#(distribution)""#, #"window="1m""#, #"quantile="\#($0.funnel)""#]) ?? .nan) * 1000
                }
            }
        }

        // collectd
        do {
            let collectd = try CollectdDaemon(intervalSeconds: 10)
            defer { collectd.stop() }
            let sender = StatsDSender(port: collectd.statsdPort)
            _ = try sender.sendAll(StatsDStream(packing: [("funnel.acc.sentinel:1|c", true)]), linesPerSecond: 1000)
            func sentinelTime() -> Substring? {
                guard let text = try? collectd.http.get("/metrics") else { return nil }
                return text.split(separator: "\n").first { $0.contains("funnel.acc.sentinel") }?.split(separator: " ").last
            }
            var deadline = Monotonic.now + 25
            var first = sentinelTime()
            while first == nil && Monotonic.now < deadline {
                Monotonic.sleep(0.05)
                first = sentinelTime()
            }
            while sentinelTime() == first && Monotonic.now < deadline { Monotonic.sleep(0.02) }
            let dropsBefore = StatsDSender.kernelDrops(port: collectd.statsdPort)
            _ = try sender.sendAll(stream, linesPerSecond: rate)
            deadline = Monotonic.now + 25
            var samples = ExpositionSamples("")
            while Monotonic.now < deadline {
                Monotonic.sleep(0.1)
                samples = ExpositionSamples(try collectd.http.get("/metrics"))
                let received = LatencySamples.distributions.map { samples.value("collectd_statsd_gauge", containing: [#"statsd="funnel.acc.\#($0).latency-count""#]) ?? 0 }
                if received.allSatisfy({ $0 > 0 }) { break }
            }
            drops["collectd"] = StatsDSender.kernelDrops(port: collectd.statsdPort) - dropsBefore
            for distribution in LatencySamples.distributions {
                counts["collectd"]![distribution] = samples.value("collectd_statsd_gauge", containing: [#"statsd="funnel.acc.\#(distribution).latency-count""#]) ?? 0
                measured["collectd"]![distribution] = Self.quantiles.map {
                    (samples.value("collectd_statsd_latency", containing: [#"statsd="funnel.acc.\#(distribution).latency-\#($0.collectd)""#]) ?? .nan) * 1000
                }
            }
        }

        var rows: [[String]] = []
        var json: [String: Any] = ["samples_per_distribution": count, "send_rate_lines_per_second": rate, "collectd_interval_seconds": 10]
        var worstOverall: [String: Double] = [:]
        for peer in ["Funnel", "collectd"] {
            var peerJSON: [String: Any] = [:]
            for distribution in LatencySamples.distributions {
                let sorted = exact[distribution]!
                let errors = zip(Self.quantiles, measured[peer]![distribution]!).map { quantile, value in
                    let truth = LatencySamples.exact(sorted, quantile.q)
                    return value.isNaN ? Double.nan : abs(value - truth) / truth
                }
                let worst = errors.contains { $0.isNaN } ? Double.nan : errors.max()!
                worstOverall[peer] = max(worstOverall[peer] ?? 0, worst.isNaN ? .infinity : worst)
                let seen = counts[peer]![distribution]!
                let counted = Format.count(seen) + (seen == Double(count) ? "" : " of \(Format.count(Double(count)))")
                var row = [peer, distribution]
                row += errors.map { Format.percent($0, 2) }
                row += [Format.percent(worst, 2), counted]
                rows.append(row)
                peerJSON[distribution] = [
                    "relative_error_p50": errors[0], "relative_error_p99": errors[1], "relative_error_p999": errors[2], "worst_relative_error": worst,
                    "samples_counted": seen, "measured_ms": measured[peer]![distribution]!,
                    "exact_ms": Self.quantiles.map { LatencySamples.exact(sorted, $0.q) },
                ] as [String: Any]
            }
            peerJSON["kernel_drops"] = drops[peer] ?? 0
            json[peer.lowercased()] = peerJSON
        }
        report.table(
            "5. Quantile accuracy: the same StatsD timers (\(Format.count(Double(count))) per distribution) to Funnel and to collectd",
            ["peer", "distribution", "rel. error p50", "p99", "p99.9", "worst", "samples counted"], rows,
            notes: [
                "Funnel: DDSketch, 1-minute window of `funnel_stage_latency_quantile_seconds`; collectd: `TimerPercentile` 50/99/99.9 from its latency histogram, per interval",
                "collectd's interval is 10 s here and every sample is sent within one interval, right after a dispatch; `samples counted` is its `latency-count` for that interval",
                "datagrams the kernel dropped while sending: Funnel \(drops["Funnel"] ?? 0), collectd \(drops["collectd"] ?? 0) (a datagram holds about \(Int(stream.averageLinesPerDatagram)) samples)",
                "collectd labels percentile 99.9 `percentile-100` (it formats the percent with %.0f)",
            ]
        )
        report.record("quantile_accuracy", json)
    }
}
