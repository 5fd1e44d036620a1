import FunnelCore
import Testing

@Suite struct ExpositionWriterTests {
    @Test func writesCountersWithTotalSuffixInBothFormats() {
        var text = ExpositionWriter(format: .prometheusText)
        text.family("funnel_late_events", .counter, help: "Late events.")
        text.sample(ExpositionWriter.labels(["pipeline": "o"]), UInt64(3))
        #expect(String(decoding: text.finish(), as: UTF8.self) == """
            # HELP funnel_late_events_total Late events.
            # TYPE funnel_late_events_total counter
            funnel_late_events_total{pipeline="o"} 3

            """)
        var open = ExpositionWriter(format: .openMetrics)
        open.family("funnel_late_events", .counter, help: "Late events.")
        open.sample(ExpositionWriter.labels(["pipeline": "o"]), UInt64(3))
        #expect(String(decoding: open.finish(), as: UTF8.self) == """
            # HELP funnel_late_events Late events.
            # TYPE funnel_late_events counter
            funnel_late_events_total{pipeline="o"} 3
            # EOF

            """)
    }

    @Test func writesInfoAsGaugeInTextAndInfoInOpenMetrics() {
        var text = ExpositionWriter(format: .prometheusText)
        text.family("funnel_build", .info, help: "Build.")
        text.sample(ExpositionWriter.labels(["version": "1"]), UInt64(1))
        #expect(String(decoding: text.finish(), as: UTF8.self).contains("# TYPE funnel_build_info gauge\nfunnel_build_info{version=\"1\"} 1\n"))
        var open = ExpositionWriter(format: .openMetrics)
        open.family("funnel_build", .info, help: "Build.")
        open.sample(ExpositionWriter.labels(["version": "1"]), UInt64(1))
        #expect(String(decoding: open.finish(), as: UTF8.self).contains("# TYPE funnel_build info\nfunnel_build_info{version=\"1\"} 1\n"))
    }

    @Test func writesHistogramsWithCumulativeBucketsSumAndCount() {
        var writer = ExpositionWriter(format: .prometheusText)
        writer.family("lat_seconds", .histogram, help: "Latency.")
        writer.histogram(ExpositionWriter.labels(["stage": "s"]), bounds: [0.5, 1], cumulativeCounts: [1, 3, 4], sum: 2.25, count: 4)
        #expect(String(decoding: writer.finish(), as: UTF8.self) == """
            # HELP lat_seconds Latency.
            # TYPE lat_seconds histogram
            lat_seconds_bucket{stage="s",le="0.5"} 1
            lat_seconds_bucket{stage="s",le="1"} 3
            lat_seconds_bucket{stage="s",le="+Inf"} 4
            lat_seconds_sum{stage="s"} 2.25
            lat_seconds_count{stage="s"} 4

            """)
    }

    @Test func writesSummariesWithQuantileLabels() {
        var writer = ExpositionWriter(format: .openMetrics)
        writer.family("q_seconds", .summary, help: "Quantiles.")
        writer.summary(ExpositionWriter.labels(["window": "5m"]), quantiles: [("0.5", 0.02), ("0.99", 0.4)], sum: 0.46, count: 4)
        #expect(String(decoding: writer.finish(), as: UTF8.self) == """
            # HELP q_seconds Quantiles.
            # TYPE q_seconds summary
            q_seconds{window="5m",quantile="0.5"} 0.02
            q_seconds{window="5m",quantile="0.99"} 0.4
            q_seconds_sum{window="5m"} 0.46
            q_seconds_count{window="5m"} 4
            # EOF

            """)
    }

    /// A line with three label parts has six bytes of punctuation; a line ending exactly at the end of the room
    /// must fit (it wrote one byte past the buffer when five were counted).
    @Test func linesWithThreeLabelPartsFitAtEveryOffsetOfTheRoom() {
        for filler in 0..<96 {
            var sets = ExpositionLabelSets()
            sets.append(["pipeline": String(repeating: "p", count: filler)])
            let extra = ExpositionLabels(["window": "5m"])
            let quantile = ExpositionLabels(["quantile": "0.5"])
            var writer = ExpositionWriter(format: .prometheusText, reservingCapacity: 256)
            writer.family("q", .summary, help: "")
            var expected = "# HELP q \n# TYPE q summary\n"
            for line in 0..<24 {
                let value = 0.25 + Double(line)
                writer.summary(sets, 0, extra, quantiles: [(quantile, value)], sum: value, count: 1)
                let labels = "pipeline=\"\(String(repeating: "p", count: filler))\",window=\"5m\""
                expected += "q{\(labels),quantile=\"0.5\"} \(value)\nq_sum{\(labels)} \(value)\nq_count{\(labels)} 1\n"
            }
            #expect(String(decoding: writer.finish(), as: UTF8.self) == expected, "filler \(filler)")
        }
    }

    @Test func renderedLabelSetsMatchLabelStringsAndJoinWithExtraLabels() {
        let pairs: KeyValuePairs<String, String> = ["pipeline": "o", "stage": "x\"y\\z\nw"]
        #expect(String(decoding: ExpositionLabels(pairs).bytes, as: UTF8.self) == String(ExpositionWriter.labels(pairs).dropFirst().dropLast()))
        var writer = ExpositionWriter(format: .prometheusText)
        writer.family("m", .gauge, help: "M.")
        writer.sample(ExpositionLabels(["a": "1"]), ExpositionLabels(["b": "2"]), UInt64(18_446_744_073_709_551_615))
        writer.sample(.none, ExpositionLabels(["b": "2"]), -3.0)
        writer.sample(ExpositionLabels(["a": "1"]).appending(ExpositionLabels(["c": "3"])), 0.5)
        writer.sample(.none, UInt64(0))
        #expect(String(decoding: writer.finish(), as: UTF8.self) == """
            # HELP m M.
            # TYPE m gauge
            m{a="1",b="2"} 18446744073709551615
            m{b="2"} -3
            m{a="1",c="3"} 0.5
            m 0

            """)
    }

    @Test func escapesLabelValuesAndHelp() {
        #expect(ExpositionWriter.labels(["a": "x\"y\\z\nw"]) == #"{a="x\"y\\z\nw"}"#)
        var writer = ExpositionWriter(format: .prometheusText)
        writer.family("m", .gauge, help: "a\\b\nc")
        #expect(String(decoding: writer.finish(), as: UTF8.self).hasPrefix("# HELP m a\\\\b\\nc\n"))
    }

    @Test(arguments: [(0.25, "0.25"), (3.0, "3"), (Double.nan, "NaN"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (1e20, "1e+20")])
    func formatsValuesAsPrometheusParsesThem(value: Double, text: String) {
        #expect(ExpositionWriter.format(value) == text)
    }

    @Test(arguments: [
        (nil as String?, ExpositionFormat.prometheusText),
        ("text/plain", .prometheusText),
        ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", .openMetrics),
        ("application/openmetrics-text; q=0, text/plain", .prometheusText),
    ])
    func negotiatesTheFormatFromAccept(accept: String?, format: ExpositionFormat) {
        #expect(ExpositionFormat.negotiate(accept: accept) == format)
    }
}

@Suite struct LedgerFamiliesTests {
    @Test func rendersStageCountersLossGaugesAndTransit() async throws {
        let t0: Int64 = 1_795_688_100_000
        var ledger = FunnelLedger()
        let batch = try ledger.admit([
            StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 10, eventTimeMillis: t0),
            StageReport(pipeline: "orders", stage: "ingest", outcome: .passed, count: 9, eventTimeMillis: t0),
            StageReport(pipeline: "orders", stage: "deliver", outcome: .received, count: 8, eventTimeMillis: t0),
            StageReport(pipeline: "orders", stage: "deliver", outcome: .passed, count: 8, eventTimeMillis: t0),
        ], nowMillis: t0)
        ledger.apply(batch, nowMillis: t0)
        ledger.settle(nowMillis: t0 + 600_000)
        var counters = IngestCounters()
        counters.acceptedReports = 4
        counters.rejected[.unknownOutcome] = 2
        let build = FunnelBuild(version: "9.9.9", revision: "0123456789ab", buildDate: "2026-01-02T03:04:05Z", swiftVersion: "6.3.1")
        let sources: [any MetricsSource] = [build, counters, LedgerFamilies(ledger), PipelineDelivery(ledger)]
        let text = String(decoding: await ExpositionWriter.render(sources, format: .prometheusText), as: UTF8.self)
        let expectedLines = [
            #"funnel_build_info{version="9.9.9",revision="0123456789ab",build_date="2026-01-02T03:04:05Z",swift_version="6.3.1"} 1"#,
            "funnel_ingest_reports_total 4",
            #"funnel_ingest_rejected_total{reason="unknown_outcome"} 2"#,
            #"funnel_ingest_rejected_total{reason="malformed_json"} 0"#,
            #"funnel_stage_events_total{pipeline="orders",stage="ingest",outcome="received"} 10"#,
            #"funnel_stage_events_total{pipeline="orders",stage="deliver",outcome="dead_lettered"} 0"#,
            #"funnel_stage_settled_events_total{pipeline="orders",stage="ingest",outcome="passed"} 9"#,
            #"funnel_stage_lost_events{pipeline="orders",stage="ingest"} 1"#,
            #"funnel_stage_lost_events{pipeline="orders",stage="deliver"} 0"#,
            #"funnel_stage_in_flight_events{pipeline="orders",stage="ingest"} 0"#,
            #"funnel_stage_position{pipeline="orders",stage="deliver"} 1"#,
            #"funnel_transit_lost_events{pipeline="orders",from_stage="ingest",to_stage="deliver"} 1"#,
            #"funnel_pipeline_delivery_ratio{pipeline="orders"} 0.8"#,
            "# TYPE funnel_stage_lost_events gauge",
            "# TYPE funnel_stage_settled_events_total counter",
        ]
        let lines = Set(text.split(separator: "\n").map(String.init))
        for line in expectedLines {
            #expect(lines.contains(line), "missing: \(line)")
        }
        // Every family is announced once, with HELP before TYPE.
        let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
        #expect(Set(types).count == types.count)
    }
}
