import Foundation
import FunnelCore
import FunnelServer

/// In-process figures of the latency sketch (bytes, accuracy, speed) and of SQLite storage per bucket row.
enum SketchFigures {
    /// Records each distribution into a ``LatencySketch`` and reports bytes, worst relative error and samples/s.
    static func run(quick: Bool, report: FigureReport) async throws {
        let count = quick ? 200_000 : 1_000_000
        var rows: [[String]] = []
        var json: [String: Any] = ["relative_accuracy": LatencySketch.relativeAccuracy, "samples": count]
        for distribution in LatencySamples.distributions {
            let values = LatencySamples.values(distribution, count: count)
            var sketch = LatencySketch()
            let started = Monotonic.now
            for value in values { sketch.record(value) }
            let seconds = Monotonic.now - started
            let sorted = values.sorted()
            var worst = 0.0
            for q in [0.5, 0.9, 0.95, 0.99, 0.999] {
                let exact = LatencySamples.exact(sorted, q)
                worst = max(worst, abs(sketch.quantile(q)! - exact) / exact)
            }
            rows.append([distribution, "\(sketch.byteCount)", Format.percent(worst, 3), Format.count(Double(count) / seconds)])
            json["bytes_\(distribution)"] = sketch.byteCount
            json["worst_relative_error_\(distribution)"] = worst
            json["samples_per_second_\(distribution)"] = Double(count) / seconds
        }
        var widest = LatencySketch()
        widest.record(LatencySketch.minimumMillis)
        widest.record(LatencySketch.maximumMillis)
        rows.append(["widest possible (1 µs to 1 h)", "\(widest.byteCount)", "", ""])
        json["bytes_max"] = widest.byteCount
        let bytesPerRow = try await Self.storageBytesPerBucket(pipelines: 5, stages: 5, buckets: quick ? 240 : 1440)
        json["storage_bytes_per_series_bucket"] = bytesPerRow
        report.table(
            "Latency sketch (DDSketch, relative accuracy \(LatencySketch.relativeAccuracy)), in process, \(count) samples",
            ["distribution", "bytes", "worst rel. error p50..p99.9", "samples/s, one core"], rows
        )
        print(String(format: "storage: %.1f bytes per (pipeline, stage, outcome, bucket) row in SQLite, file after checkpoint", bytesPerRow))
        report.record("sketch", json)
    }

    /// Fills a store with one day of one-minute buckets and divides the file size by the rows.
    static func storageBytesPerBucket(pipelines: Int, stages: Int, buckets: Int) async throws -> Double {
        let directory = NSTemporaryDirectory() + "funnel-storage-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try FunnelStore(directory: directory, durability: .normal)
        var ledger = FunnelLedger(policy: LedgerPolicy(retentionSeconds: 400 * 86_400))
        let start: Int64 = 1_795_688_100_000 - Int64(buckets) * 60_000
        for bucket in 0..<buckets {
            let reports = (0..<pipelines).flatMap { pipeline in
                (0..<stages).flatMap { stage in
                    Outcome.allCases.map { StageReport(pipeline: "pipeline-\(pipeline)", stage: "stage-\(stage)", outcome: $0, count: 1000, eventTimeMillis: start + Int64(bucket) * 60_000) }
                }
            }
            let batch = try ledger.admit(reports, nowMillis: 1_795_688_100_000)
            _ = try await store.commit(batch, claim: nil, nowMillis: 1_795_688_100_000)
            ledger.apply(batch, nowMillis: 1_795_688_100_000)
        }
        try store.checkpoint()
        let size = (try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int) ?? 0
        return Double(size) / Double(try store.bucketRowCount())
    }
}
