import AsyncHTTPClient
import Foundation
import FunnelCore
import FunnelServer
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Alarm latency: a DLQ depth report crossing the threshold, to the webhook request arriving at a receiver.
///
/// In process: a real Funnel application and a real Hummingbird receiver on loopback, through real HTTP.
enum AlarmLatency {
    /// Measures `runs` firings and reports the median and the worst.
    static func run(quick: Bool, report: FigureReport) async throws {
        let runs = quick ? 20 : 100
        let sorted = try await Self.latencies(runs: runs).sorted()
        let median = sorted[sorted.count / 2]
        report.table(
            "Alarm latency: DLQ depth report crossing the threshold -> webhook request at the receiver (in process)",
            ["runs", "median ms", "worst ms"], [["\(runs)", Format.fixed(median, 1), Format.fixed(sorted.last!, 1)]]
        )
        report.record("alarm_latency", ["runs": runs, "median_ms": median, "worst_ms": sorted.last!])
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Runs a real server and a real receiver on loopback; measures report-to-webhook time for each firing.
    static func latencies(runs: Int) async throws -> [Double] {
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
