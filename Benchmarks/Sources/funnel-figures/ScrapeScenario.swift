/// Scenario 3: time and bytes to render `/metrics` holding 1k, 10k and 100k counters, for Funnel, collectd and the
/// Pushgateway, each fed through its own ingest.
///
/// The counters are the same (pipeline, stage, outcome) triples everywhere: JSON reports to Funnel, StatsD counter
/// lines `P.S.O:1|c` to collectd, text-format pushes (groups of 1,000) to the Pushgateway. Each peer then renders
/// its whole exposition; the time is the median of several scrapes over a fresh loopback connection, to the last byte.
struct ScrapeScenario {
    let binary: String
    let quick: Bool

    /// One peer holding the series so far.
    struct Holder {
        let name: String
        let http: LoopbackHTTP
        /// Feeds the triples numbered `range` to the peer and waits until it exposes them; returns nil when it
        /// does, else a note on what it held when the wait ran out.
        let feed: (Range<Int>) throws(FigureError) -> String?
    }

    /// Grows all three peers to each size and scrapes them; prints the table, records `scrape` and the scrape targets.
    func run(report: FigureReport) throws(FigureError) {
        let sizes = [1_000, 10_000, 100_000]
        let scrapes = self.quick ? 3 : 7
        let server = try FunnelServe(binary: self.binary, durability: "memory")
        defer { server.stop() }
        // write_prometheus takes new series in slowly (10,000 new ones take it seconds), so collectd gets a 10 s
        // interval here and a bounded wait.
        let collectd = try CollectdDaemon(intervalSeconds: 10)
        let collectdWait = self.quick ? 40.0 : 90.0
        defer { collectd.stop() }
        let pushgateway = try PushgatewayDaemon()
        defer { pushgateway.stop() }
        let holders = [
            Holder(name: "Funnel", http: server.http) { range throws(FigureError) in
                for start in stride(from: range.lowerBound, to: range.upperBound, by: 1000) {
                    try server.post(ReportBodies.json(ReportBodies.series(start..<min(start + 1000, range.upperBound))))
                }
                return nil
            },
            Holder(name: "collectd", http: collectd.http) { range throws(FigureError) in
                _ = try StatsDSender(port: collectd.statsdPort).sendAll(ReportBodies.statsdLines(ReportBodies.series(range)), linesPerSecond: 50_000)
                let deadline = Monotonic.now + collectdWait
                var held = 0
                while Monotonic.now < deadline {
                    Monotonic.sleep(0.5)
                    if let text = try? collectd.http.get("/metrics") { held = ExpositionSamples(text).count("collectd_statsd_derive_total") }
                    if held >= range.upperBound { return nil }
                }
                return "held \(Format.count(Double(held))) of \(Format.count(Double(range.upperBound))) counters \(Int(collectdWait)) s after they were sent"
            },
            Holder(name: "Pushgateway", http: pushgateway.http) { range throws(FigureError) in
                for start in stride(from: range.lowerBound, to: range.upperBound, by: 1000) {
                    try pushgateway.push(ReportBodies.pushText(ReportBodies.series(start..<min(start + 1000, range.upperBound))), job: "bench", instance: "g\(start / 1000)")
                }
                return nil
            },
        ]
        var rows: [[String]] = []
        var results: [[String: Any]] = []
        var medians: [String: Double] = [:]
        var held = 0
        var gaveUp: [String: String] = [:]
        for size in sizes {
            for holder in holders {
                if let note = gaveUp[holder.name] {
                    rows.append([Format.count(Double(size)), holder.name, "not measured", "", "", "", note])
                    results.append(["series": size, "peer": holder.name, "held": false, "note": note])
                    continue
                }
                let feedStarted = Monotonic.now
                if let note = try holder.feed(held..<size) {
                    gaveUp[holder.name] = "did not hold \(Format.count(Double(held))) + more: " + note
                    rows.append([Format.count(Double(size)), holder.name, "not measured", "", "", "", note])
                    results.append(["series": size, "peer": holder.name, "held": false, "note": note])
                    continue
                }
                let feedSeconds = Monotonic.now - feedStarted
                var times: [Double] = []
                var bytes = 0
                var samples = 0
                for _ in 0..<scrapes {
                    let response = try holder.http.request("GET", "/metrics")
                    guard response.status == 200 else { throw FigureError("\(holder.name) /metrics: status \(response.status)") }
                    times.append(response.seconds * 1000)
                    bytes = response.body.count
                    samples = response.body.split(separator: 10).count { $0.first != 35 }
                }
                let median = times.sorted()[times.count / 2]
                medians["\(holder.name)-\(size)"] = median
                let funnel = medians["Funnel-\(size)"] ?? .nan
                rows.append([
                    Format.count(Double(size)), holder.name, Format.fixed(median, 2), Format.count(Double(bytes)), Format.count(Double(samples)),
                    Format.fixed(median * 1000 / Double(samples), 2), holder.name == "Funnel" ? "1.00x" : Format.times(median / funnel),
                ])
                results.append(["series": size, "peer": holder.name, "held": true, "median_ms": median, "bytes": bytes, "sample_lines": samples, "scrapes": scrapes, "seconds_to_take_in": feedSeconds])
            }
            held = size
        }
        let funnel100k = medians["Funnel-100000"] ?? .nan
        let collectd100k = medians["collectd-100000"] ?? .nan
        let pushgateway100k = medians["Pushgateway-100000"] ?? .nan
        report.table(
            "3. Scrape: GET /metrics holding N (pipeline, stage, outcome) counters, median of \(scrapes)",
            ["counters", "peer", "median ms", "bytes", "sample lines", "µs per line", "peer time / Funnel time"], rows,
            notes: [
                "fed through each one's own ingest: Funnel JSON reports, collectd StatsD counters, Pushgateway text pushes in groups of 1,000",
                "Funnel exposes more per counter than the peers (settled counters, loss, in-flight and position gauges per stage, transit per hop), so its bytes and lines are larger for the same counters",
                "collectd runs with a 10 s interval here: its write_prometheus plugin takes new series in slowly (seconds for 10,000, growing faster than linearly), and with a 1 s interval it never showed all 10,000 at once; the wait for it is bounded (\(Int(collectdWait)) s)",
                "the Pushgateway adds push_time_seconds and push_failure_time_seconds per group",
            ]
        )
        report.record("scrape", ["scrapes": scrapes, "runs": results])
        report.target("Scrape of 100k series < 100 ms", Format.fixed(funnel100k, 1) + " ms", met: funnel100k < 100)
        report.target(
            "Scrape of 100k series faster than collectd and Pushgateway",
            "Funnel \(Format.fixed(funnel100k, 1)) ms, collectd " + (collectd100k.isNaN ? "could not hold 100k" : Format.fixed(collectd100k, 1) + " ms") + ", Pushgateway \(Format.fixed(pushgateway100k, 1)) ms",
            met: funnel100k < pushgateway100k && (collectd100k.isNaN || funnel100k < collectd100k),
            status: collectd100k.isNaN
                ? (funnel100k < pushgateway100k ? "met vs Pushgateway; collectd not measurable at 100k" : "**not met** vs Pushgateway; collectd not measurable at 100k")
                : nil
        )
        let funnel10k = medians["Funnel-10000"] ?? .nan
        let collectd10k = medians["collectd-10000"] ?? .nan
        if collectd100k.isNaN && collectd10k.isFinite {
            report.target(
                "(same, at the largest size collectd held: 10k)", "Funnel \(Format.fixed(funnel10k, 1)) ms, collectd \(Format.fixed(collectd10k, 1)) ms",
                met: funnel10k < collectd10k
            )
        }
    }
}
