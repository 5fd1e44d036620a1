import AsyncHTTPClient
import Foundation
import FunnelCore
import FunnelServer
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Prints figures that are not throughput: sketch memory and accuracy, and alarm-to-webhook latency.
/// `--quick` runs fewer samples; `--json FILE` also writes the figures as JSON.
@main
struct FunnelFigures {
    static func main() async throws {
        let arguments = CommandLine.arguments
        let quick = arguments.contains("--quick")
        let jsonPath = arguments.firstIndex(of: "--json").map { arguments[$0 + 1] }
        var figures: [String: Double] = [:]

        print("## Latency sketch (DDSketch, relative accuracy \(LatencySketch.relativeAccuracy))")
        let count = quick ? 200_000 : 1_000_000
        for distribution in ["lognormal", "bimodal"] {
            let values = Self.samples(distribution, count: count)
            var sketch = LatencySketch()
            let started = ContinuousClock.now
            for value in values { sketch.record(value) }
            let seconds = Self.seconds(ContinuousClock.now - started)
            let sorted = values.sorted()
            var worst = 0.0
            for q in [0.5, 0.9, 0.95, 0.99, 0.999] {
                let exact = sorted[Int((q * Double(sorted.count - 1)).rounded(.down))]
                worst = max(worst, abs(sketch.quantile(q)! - exact) / exact)
            }
            print("\(distribution): \(count) samples, \(sketch.byteCount) bytes, worst relative error \(String(format: "%.3f", worst * 100))% (p50..p99.9), \(Int(Double(count) / seconds)) samples/s on one core")
            figures["sketch_bytes_\(distribution)"] = Double(sketch.byteCount)
            figures["sketch_worst_relative_error_\(distribution)"] = worst
            figures["sketch_samples_per_second_\(distribution)"] = Double(count) / seconds
        }
        var widest = LatencySketch()
        widest.record(LatencySketch.minimumMillis)
        widest.record(LatencySketch.maximumMillis)
        print("widest possible sketch (1 µs to 1 h): \(widest.byteCount) bytes")
        figures["sketch_bytes_max"] = Double(widest.byteCount)

        print("\n## Storage: bytes per (series, bucket) in SQLite")
        let bytesPerRow = try await Self.storageBytesPerBucket(pipelines: 5, stages: 5, buckets: quick ? 240 : 1440)
        print(String(format: "%.1f bytes per (pipeline, stage, outcome, bucket) row, file after checkpoint", bytesPerRow))
        figures["storage_bytes_per_series_bucket"] = bytesPerRow

        print("\n## HTTP ingest: batches of 1000 reports over keep-alive connections (server and load generator in one process)")
        print("| durability | clients | reports/s | ack p50 ms | ack p99 ms | CPU s per million reports |")
        print("|---|---|---|---|---|---|")
        var ingestRates: [String: Double] = [:]
        for durability in [Durability.memory, .full] {
            for clients in [1, 4, 16] {
                let result = try await Self.httpIngest(durability: durability, clients: clients, seconds: quick ? 2 : 5)
                print("| \(durability.rawValue) | \(clients) | \(Int(result.rate)) | \(String(format: "%.1f", result.p50)) | \(String(format: "%.1f", result.p99)) | \(String(format: "%.2f", result.cpuPerMillion)) |")
                figures["http_ingest_reports_per_second_\(durability.rawValue)_\(clients)"] = result.rate
                figures["http_ingest_ack_p99_ms_\(durability.rawValue)_\(clients)"] = result.p99
                ingestRates["\(durability.rawValue)-\(clients)"] = result.rate
            }
        }
        if let durable = ingestRates["full-16"], let memory = ingestRates["memory-16"] {
            print(String(format: "durability cost at 16 clients: %.1f%% of memory-only throughput", (1 - durable / memory) * 100))
            figures["durability_cost_ratio_16_clients"] = 1 - durable / memory
        }
        let flood = try await Self.httpIngest(durability: .full, clients: 160, seconds: quick ? 2 : 5)
        print("10x overload (160 clients, limit 64 at once): \(Int(flood.rate)) reports/s accepted, \(flood.refused) requests answered 503, peak RSS of the process \(flood.peakRSSMegabytes) MiB")
        figures["overload_peak_rss_mib"] = Double(flood.peakRSSMegabytes)
        figures["overload_refused_requests"] = Double(flood.refused)

        print("\n## Alarm latency: DLQ depth report crossing the threshold -> webhook request at the receiver")
        let runs = quick ? 20 : 100
        let latencies = try await Self.alarmLatency(runs: runs)
        let sorted = latencies.sorted()
        let median = sorted[sorted.count / 2]
        print("\(runs) runs: median \(String(format: "%.1f", median)) ms, worst \(String(format: "%.1f", sorted.last!)) ms")
        figures["alarm_latency_median_ms"] = median
        figures["alarm_latency_worst_ms"] = sorted.last!

        if let jsonPath {
            let data = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys, .prettyPrinted])
            try data.write(to: URL(fileURLWithPath: jsonPath))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func samples(_ distribution: String, count: Int) -> [Double] {
        var state: UInt64 = 42
        func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        func normal() -> Double { sqrt(-2 * log(max(uniform(), 1e-300))) * cos(2 * .pi * uniform()) }
        return (0..<count).map { _ in
            distribution == "lognormal"
                ? exp(log(40) + 1.2 * normal())
                : (uniform() < 0.97 ? exp(log(8) + 0.3 * normal()) : exp(log(1500) + 0.4 * normal()))
        }
    }

    /// Result of one HTTP ingest run.
    struct IngestRun {
        var rate: Double
        var p50: Double
        var p99: Double
        var cpuPerMillion: Double
        var refused: Int
        var peakRSSMegabytes: Int
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func peakRSSMegabytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }

    /// Runs a server in-process and `clients` concurrent posters of 1000-report batches for `seconds`.
    static func httpIngest(durability: Durability, clients: Int, seconds: Double) async throws -> IngestRun {
        let directory = NSTemporaryDirectory() + "funnel-ingest-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var quiet = Logger(label: "figures")
        quiet.logLevel = .critical
        var configuration = FunnelConfiguration(listenHost: "127.0.0.1", listenPort: 0, dataDirectory: directory)
        configuration.durability = durability
        let address = Mutex("")
        let ready = AsyncStream<Void>.makeStream()
        let server = try buildApplication(configuration: configuration, logger: quiet, onServerRunning: { bound in
            address.withLock { $0 = bound }
            ready.continuation.yield()
        })
        let serverTask = Task { try await server.runService(gracefulShutdownSignals: []) }
        var iterator = ready.stream.makeAsyncIterator()
        await iterator.next()
        let url = "http://" + address.withLock { $0 } + "/v1/reports"
        let eventTime = Int(Date().timeIntervalSince1970) - 30
        let body = "[" + (0..<1000).map { index in
            #"{"pipeline":"bench","stage":"stage-\#(index % 5)","outcome":"\#(["received", "passed", "failed"][index % 3])","count":1,"event_time":\#(eventTime)}"#
        }.joined(separator: ",") + "]"
        var pool = HTTPClient.Configuration.ConnectionPool()
        pool.concurrentHTTP1ConnectionsPerHostSoftLimit = clients
        let client = HTTPClient(configuration: .init(connectionPool: pool))
        let cpuBefore = Self.cpuSeconds()
        let started = ContinuousClock.now
        let deadline = started.advanced(by: .milliseconds(Int64(seconds * 1000)))
        let results = try await withThrowingTaskGroup(of: ([Double], Int, Int).self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var latencies: [Double] = []
                    var accepted = 0
                    var refused = 0
                    while ContinuousClock.now < deadline {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.body = .bytes(ByteBuffer(string: body))
                        let sent = ContinuousClock.now
                        let response = try await client.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 16)
                        if response.status.code == 202 {
                            accepted += 1000
                            latencies.append(Self.seconds(ContinuousClock.now - sent) * 1000)
                        } else {
                            refused += 1
                        }
                    }
                    return (latencies, accepted, refused)
                }
            }
            var all: ([Double], Int, Int) = ([], 0, 0)
            for try await result in group {
                all.0 += result.0
                all.1 += result.1
                all.2 += result.2
            }
            return all
        }
        let elapsed = Self.seconds(ContinuousClock.now - started)
        let cpu = Self.cpuSeconds() - cpuBefore
        try await client.shutdown()
        serverTask.cancel()
        _ = try? await serverTask.value
        let sorted = results.0.sorted()
        let percentile = { (q: Double) -> Double in sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] }
        return IngestRun(
            rate: Double(results.1) / elapsed, p50: percentile(0.5), p99: percentile(0.99),
            cpuPerMillion: results.1 == 0 ? 0 : cpu / (Double(results.1) / 1_000_000),
            refused: results.2, peakRSSMegabytes: Self.peakRSSMegabytes()
        )
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
        }
        try store.checkpoint()
        let size = (try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int) ?? 0
        return Double(size) / Double(try store.bucketRowCount())
    }

    /// Runs a real server and a real receiver on loopback; measures report-to-webhook time for each firing.
    static func alarmLatency(runs: Int) async throws -> [Double] {
        let arrivals = Mutex<[ContinuousClock.Instant]>([])
        let receiverRouter = Router()
        receiverRouter.post("/hook") { request, _ -> HTTPResponse.Status in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            if String(buffer: body).contains(#""status":"firing""#) {
                arrivals.withLock { $0.append(.now) }
            }
            return .ok
        }
        var quiet = Logger(label: "figures")
        quiet.logLevel = .critical
        let receiverPort = Mutex(0)
        let receiverReady = AsyncStream<Void>.makeStream()
        let receiver = Application(
            router: receiverRouter, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                receiverPort.withLock { $0 = channel.localAddress?.port ?? 0 }
                receiverReady.continuation.yield()
            }, logger: quiet
        )
        let receiverTask = Task { try await receiver.runService(gracefulShutdownSignals: []) }
        var receiverIterator = receiverReady.stream.makeAsyncIterator()
        await receiverIterator.next()

        let directory = NSTemporaryDirectory() + "funnel-figures-\(UUID().uuidString.prefix(8))"
        var configuration = try FunnelConfiguration(yaml: """
            listen: 127.0.0.1:0
            data_dir: \(directory)
            webhook:
              initial_backoff: 50ms
            receivers:
              - {name: hook, type: generic, url: "http://127.0.0.1:\(receiverPort.withLock { $0 })/hook"}
            alarms:
              - {name: dlq, kind: dlq_depth, pipeline: bench, queue: dlq, above: 100, clear_below: 50, for: 0s, receivers: [hook], repeat_interval: 0s}
            """)
        configuration.alarmIntervalSeconds = 1
        let serverAddress = Mutex("")
        let serverReady = AsyncStream<Void>.makeStream()
        let server = try buildApplication(configuration: configuration, logger: quiet, onServerRunning: { address in
            serverAddress.withLock { $0 = address }
            serverReady.continuation.yield()
        })
        let serverTask = Task { try await server.runService(gracefulShutdownSignals: []) }
        var serverIterator = serverReady.stream.makeAsyncIterator()
        await serverIterator.next()
        let base = "http://" + serverAddress.withLock { $0 } + "/v1/reports"

        func post(_ depth: Int) async throws {
            var request = HTTPClientRequest(url: base)
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: #"{"pipeline":"bench","queue":"dlq","depth":\#(depth)}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            _ = try await response.body.collect(upTo: 1 << 16)
        }
        var latencies: [Double] = []
        for run in 0..<runs {
            let before = arrivals.withLock { $0.count }
            let sent = ContinuousClock.now
            try await post(200)
            while arrivals.withLock({ $0.count }) == before {
                try await Task.sleep(for: .microseconds(200))
                if ContinuousClock.now - sent > .seconds(10) { throw CancellationError() }
            }
            let arrived = arrivals.withLock { $0[before] }
            latencies.append(Self.seconds(arrived - sent) * 1000)
            try await post(0)
            // Let the alarm resolve before the next run.
            try await Task.sleep(for: .milliseconds(run % 10 == 0 ? 30 : 15))
        }
        serverTask.cancel()
        receiverTask.cancel()
        try? FileManager.default.removeItem(atPath: directory)
        return latencies
    }
}
