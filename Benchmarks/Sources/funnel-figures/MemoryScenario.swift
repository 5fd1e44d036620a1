/// Scenario 4: resident memory of the external `funnel serve` per (pipeline, stage, outcome) series and per stage
/// with latency samples (its sliding-window sketches).
///
/// RSS (`VmRSS`) after a warm-up batch, after N more counter series, and after M more stages that each got 20
/// latency samples; each growth divided by what was added.
struct MemoryScenario {
    let binary: String
    let quick: Bool

    /// Measures both growths in one fresh server; prints the table and records `memory`.
    func run(report: FigureReport) throws(FigureError) {
        let seriesCount = self.quick ? 20_000 : 100_000
        let latencyStages = self.quick ? 5_000 : 20_000
        let server = try FunnelServe(binary: self.binary, durability: "full")
        defer { server.stop() }
        // Warm-up: the first requests allocate buffers, caches and the SQLite page cache.
        try server.post(ReportBodies.json(ReportBodies.series(10_000_000..<10_001_000)))
        _ = try server.http.get("/metrics")
        Monotonic.sleep(1.5)
        let start = server.process.residentBytes
        for batch in stride(from: 0, to: seriesCount, by: 1000) {
            try server.post(ReportBodies.json(ReportBodies.series(batch..<(batch + 1000))))
        }
        Monotonic.sleep(1.5)
        let afterSeries = server.process.residentBytes
        let samples = LatencySamples.values("lognormal", count: 20).map(StatsDStream.formatted).joined(separator: ",")
        for batch in stride(from: 0, to: latencyStages, by: 1000) {
            let reports = (batch..<(batch + 1000)).map { index in
                #"{"pipeline":"lat\#(index / 100)","stage":"s\#(index % 100)","outcome":"passed","count":20,"latencies_ms":[\#(samples)]}"#
            }
            try server.post(Array(("[" + reports.joined(separator: ",") + "]").utf8))
        }
        Monotonic.sleep(1.5)
        let afterLatency = server.process.residentBytes
        let perSeries = Double(afterSeries - start) / Double(seriesCount)
        let perLatencyStage = Double(afterLatency - afterSeries) / Double(latencyStages)
        report.table(
            "4. Memory per series: external `funnel serve` (durability `full`), RSS growth divided by what was added",
            ["what was added", "RSS before", "RSS after", "bytes each"],
            [
                [Format.count(Double(seriesCount)) + " (pipeline, stage, outcome) counter series", Format.mebibytes(start), Format.mebibytes(afterSeries), Format.count(perSeries)],
                [Format.count(Double(latencyStages)) + " stages with 20 latency samples each (series + sketches)", Format.mebibytes(afterSeries), Format.mebibytes(afterLatency), Format.count(perLatencyStage)],
            ],
            notes: ["a stage's latency is one sketch per slice of its 1m/5m/1h sliding windows plus a histogram; 20 samples land in one slice of each window"]
        )
        report.record("memory", [
            "series_added": seriesCount, "rss_start_bytes": start, "rss_after_series_bytes": afterSeries, "bytes_per_series": perSeries,
            "latency_stages_added": latencyStages, "rss_after_latency_bytes": afterLatency, "bytes_per_latency_stage": perLatencyStage,
        ])
    }
}
