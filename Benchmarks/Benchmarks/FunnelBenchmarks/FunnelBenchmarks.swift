import Benchmark
import Foundation
import FunnelCore
import FunnelServer

/// Throughput of the hot paths: parsing, admission, latency sketches, exposition.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .cpuTotal, .mallocCountTotal],
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )

    // MARK: Latency sketch

    let samples: [Double] = (0..<10_000).map { index in exp(log(40) + 1.2 * sin(Double(index) * 12.9898).truncatingRemainder(dividingBy: 1) * 3) }
    Benchmark("LatencySketch.record (per sample)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var sketch = LatencySketch()
        for index in benchmark.scaledIterations {
            sketch.record(samples[index % samples.count])
        }
        blackHole(sketch)
    }
    var part = LatencySketch()
    for sample in samples { part.record(sample) }
    let filled = part
    Benchmark("LatencySketch.merge (10k-sample sketches)") { benchmark in
        var sketch = LatencySketch()
        for _ in benchmark.scaledIterations {
            sketch.merge(filled)
        }
        blackHole(sketch)
    }
    Benchmark("LatencySketch.quantile (p99)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(filled.quantile(0.99))
        }
    }

    // MARK: Ingest

    let batch = Array(
        ("[" + (0..<1000).map { index in
            #"{"pipeline":"orders","stage":"stage-\#(index % 5)","outcome":"\#(["received", "passed", "failed"][index % 3])","count":\#(index % 7 + 1),"event_time":1795688100,"latency_ms":12.5}"#
        }.joined(separator: ",") + "]").utf8
    )
    let parser = ReportBodyParser()
    Benchmark("ReportBodyParser.parse (per report, batches of 1000)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in 0..<(benchmark.scaledIterations.count / 1000) {
            blackHole(try parser.parse(batch))
        }
    }
    // 1,000 StatsD lines as the listener gets them: datagrams of ~38 dotted lines, counters, timers and DLQ gauges.
    let statsdLines = (0..<250).flatMap { index in
        let (pipeline, stage) = (["orders", "payments", "shipping"][index % 3], ["ingest", "enrich", "validate", "route", "deliver"][index % 5])
        return [
            "funnel.\(pipeline).\(stage).received:1|c", "funnel.\(pipeline).\(stage).passed:1|c",
            "funnel.\(pipeline).\(stage).latency:\(index % 97).125|ms", "funnel.\(pipeline).dlq.\(stage):\(index % 500)|g",
        ]
    }
    let datagrams = stride(from: 0, to: statsdLines.count, by: 38).map { Array(statsdLines[$0..<min($0 + 38, statsdLines.count)].joined(separator: "\n").utf8) }
    let statsdParser = StatsDLineParser(mappings: [
        StatsDMapping(match: "funnel.*.*.latency", metricType: .timer, pipeline: "$1", stage: "$2"),
        StatsDMapping(match: "funnel.*.dlq.*", metricType: .gauge, pipeline: "$1", queue: "$2"),
        StatsDMapping(match: "funnel.*.*.*", metricType: .counter, pipeline: "$1", stage: "$2", outcome: "$3"),
    ])
    Benchmark("StatsDAccumulator.add (per line, 38-line datagrams)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var accumulator = StatsDAccumulator(parser: statsdParser)
        for round in 0..<(benchmark.scaledIterations.count / 1000) {
            for datagram in datagrams {
                datagram.withUnsafeBytes { accumulator.add($0) { _, _ in } }
            }
            if round % 100 == 99 { blackHole(accumulator.drain()) }
        }
        blackHole(accumulator.drain())
    }

    let body = try! parser.parse(batch)
    Benchmark("FunnelLedger.admit+apply (per report, batches of 1000)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var ledger = FunnelLedger()
        for _ in 0..<(benchmark.scaledIterations.count / 1000) {
            let admitted = try ledger.admit(body, nowMillis: 1_795_688_160_000)
            ledger.apply(admitted, nowMillis: 1_795_688_160_000)
        }
        blackHole(ledger)
    }

    // MARK: Exposition

    for pipelines in [10, 100] {
        var ledger = FunnelLedger(policy: LedgerPolicy(maximumPipelines: 10_000))
        let reports = (0..<pipelines).flatMap { pipeline in
            (0..<10).flatMap { stage in
                Outcome.allCases.map { StageReport(pipeline: "p\(pipeline)", stage: "s\(stage)", outcome: $0, count: 5, eventTimeMillis: 1_795_688_100_000) }
            }
        }
        let admitted = try! ledger.admit(reports, nowMillis: 1_795_688_100_000)
        ledger.apply(admitted, nowMillis: 1_795_688_100_000)
        ledger.settle(nowMillis: 1_795_688_700_000)
        let frozen = ledger
        let series = pipelines * 10 * 10
        // The families of a server without listeners or sources beside HTTP, as /metrics writes them.
        Benchmark("/metrics render (~\(series) series)") { benchmark in
            for _ in benchmark.scaledIterations {
                var writer = ExpositionWriter(format: .prometheusText)
                FunnelBuild(version: "bench").emit(into: &writer)
                IngestCounters().emit(into: &writer)
                LedgerFamilies(frozen).emit(into: &writer)
                DeliveryRatios(frozen).emit(into: &writer)
                AlarmList(alarms: []).emit(into: &writer)
                WebhookCounters().emit(into: &writer)
                blackHole(writer.finish())
            }
        }
    }
}
