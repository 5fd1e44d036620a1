import Foundation
import FunnelTesting
import Testing

/// The real OpenTelemetry Python SDK exporting to the real `funnel serve` over OTLP/HTTP.
@Suite struct OTLPExportTests {
    /// A stage's counts and latencies from `/api/v1/funnel`.
    struct Stage {
        var counts: [Int]
        var latency: [String: Double]
    }

    static func stages(_ url: String, pipeline: String = "orders") async throws -> [String: Stage] {
        let reply = try await TestHTTP.get(url + "/api/v1/funnel?pipeline=\(pipeline)")
        guard reply.status == 200, let funnel = try reply.json() as? [String: Any], let stages = funnel["stages"] as? [[String: Any]] else { return [:] }
        var result: [String: Stage] = [:]
        for stage in stages {
            guard let name = stage["name"] as? String else { continue }
            let counts = ["received", "passed", "failed", "dead_lettered"].map { stage[$0] as? Int ?? -1 }
            let latency = (stage["latency_ms"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue }
            result[name] = Stage(counts: counts, latency: latency)
        }
        return result
    }

    static func metric(_ url: String, _ sample: String) async throws -> Double? {
        let text = try await TestHTTP.get(url + "/metrics").body
        return text.split(separator: "\n").first { $0.hasPrefix(sample + " ") }.flatMap { Double($0.dropFirst(sample.count + 1)) }
    }

    /// Three export intervals of counters with attributes, a retry of the second export, and a metric Funnel ignores.
    static var intervals: [[Any]] {
        [
            ["add", "orders", "ingest", "received", 10], ["add", "orders", "ingest", "passed", 9],
            ["add", "orders", "deliver", "dead_lettered", 1], ["other", 7], ["export"],
            ["add", "orders", "ingest", "received", 5], ["add", "orders", "ingest", "passed", 6], ["export"], ["replay"],
            ["add", "orders", "deliver", "failed", 2], ["export"],
        ]
    }

    @Test func cumulativeCountersOverSeveralExportsCountWhatTheSDKCounted() async throws {
        let sdk = try await OTelSDKExporter()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        let run = try await sdk.run(url, steps: Self.intervals)
        #expect(run.status == 0, "\(run.output)")
        let stages = try await Self.stages(url)
        #expect(stages["ingest"]?.counts == [15, 15, 0, 0])
        #expect(stages["deliver"]?.counts == [0, 0, 2, 1])
        #expect(try await Self.metric(url, #"funnel_otlp_data_points_total{result="rejected"}"#) == 0)
        #expect(try await Self.metric(url, #"funnel_otlp_data_points_total{result="ignored"}"#) ?? 0 >= 1)
        #expect(try await server.stop() == 0)
    }

    @Test func deltaCountersWithGzipCountWhatTheSDKCounted() async throws {
        let sdk = try await OTelSDKExporter()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        let steps = Self.intervals.filter { ($0.first as? String) != "replay" }
        let run = try await sdk.run(url, options: .init(delta: true, gzip: true), steps: steps)
        #expect(run.status == 0, "\(run.output)")
        let stages = try await Self.stages(url)
        #expect(stages["ingest"]?.counts == [15, 15, 0, 0])
        #expect(stages["deliver"]?.counts == [0, 0, 2, 1])
        #expect(try await server.stop() == 0)
    }

    /// Funnel stops and starts again between two exports of one SDK process, whose cumulative totals include what
    /// the first Funnel already counted; the second export is also retried.
    @Test func aRestartBetweenTwoCumulativeExportsCountsNothingTwice() async throws {
        let sdk = try await OTelSDKExporter()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try await FreePort.next()
        let arguments = ["--listen", "127.0.0.1:\(port)", "--data-dir", "data"]
        let (first, url) = try await FunnelProcess.serve(arguments, directory: directory.path, logName: "first")
        let exported = directory.file("exported")
        let restarted = directory.file("restarted")
        let steps: [[Any]] = [
            ["add", "orders", "ingest", "received", 10], ["add", "orders", "ingest", "passed", 8], ["export"], ["signal", exported], ["wait", restarted],
            ["add", "orders", "ingest", "received", 4], ["export"], ["replay"],
        ]
        async let run = sdk.run(url, steps: steps)
        #expect(try await Deadline.poll("the SDK's first export", timeout: .seconds(60)) { FileManager.default.fileExists(atPath: exported) ? true : nil })
        #expect(try await Self.stages(url)["ingest"]?.counts == [10, 8, 0, 0])
        #expect(try await first.stop() == 0)
        let (second, _) = try await FunnelProcess.serve(arguments, directory: directory.path, logName: "second")
        _ = FileManager.default.createFile(atPath: restarted, contents: nil)
        let result = try await run
        #expect(result.status == 0, "\(result.output)")
        #expect(try await Self.stages(url)["ingest"]?.counts == [14, 8, 0, 0])
        #expect(try await second.stop() == 0)
    }

    @Test(arguments: [false, true])
    func aLatencyHistogramLandsInTheStagePercentiles(exponential: Bool) async throws {
        let sdk = try await OTelSDKExporter()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        let values = Array(1...100)
        let run = try await sdk.run(
            url, options: .init(exponential: exponential),
            steps: [["add", "orders", "process", "passed", 100], ["latency", "orders", "process", values], ["export"], ["export"]]
        )
        #expect(run.status == 0, "\(run.output)")
        let latency = try #require(try await Self.stages(url)["process"]?.latency)
        #expect(latency["count"] == 100)
        let p50 = try #require(latency["p50"])
        let p99 = try #require(latency["p99"])
        if exponential {
            // 100 buckets span 1-100 ms at scale 4 (base 2^(1/16)): within 2.2% of the value, plus the sketch's 0.75%.
            #expect(abs(p50 - 50) <= 50 * 0.03 + 1, "p50 \(p50)")
            #expect(abs(p99 - 99) <= 99 * 0.03 + 1, "p99 \(p99)")
        } else {
            // The default bounds put the 50th value in (25, 50] and the 99th in (75, 100]: each bucket's middle.
            #expect(abs(p50 - 37.5) <= 37.5 * 0.0076, "p50 \(p50)")
            #expect(abs(p99 - 87.5) <= 87.5 * 0.0076, "p99 \(p99)")
        }
        #expect(try await server.stop() == 0)
    }

    @Test func ingestTokensApplyToOTLPExports() async throws {
        let sdk = try await OTelSDKExporter()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "ingest_tokens: [otlp-secret]\n".write(toFile: directory.file("funnel.yml"), atomically: true, encoding: .utf8)
        let (server, url) = try await FunnelProcess.serve(
            ["--config", "funnel.yml", "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path
        )
        let refused = try await sdk.run(url, steps: [["add", "orders", "ingest", "received", 3], ["export"]])
        #expect(refused.status != 0)
        #expect(try await Self.stages(url).isEmpty)
        let accepted = try await sdk.run(url, options: .init(token: "otlp-secret"), steps: [["add", "orders", "ingest", "received", 3], ["export"]])
        #expect(accepted.status == 0, "\(accepted.output)")
        #expect(try await Self.stages(url)["ingest"]?.counts == [3, 0, 0, 0])
        #expect(try await server.stop() == 0)
    }
}
