import AsyncHTTPClient
import Foundation
import FunnelCore
import FunnelServer
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Detection latency: from the request that carries the last stage's counts of a lossy bucket to the `silent_loss`
/// alarm's webhook at a receiver, with 10-second buckets and reporters that send a watermark with every flush.
///
/// Two stages report once a second what they saw in that second, each flush with its watermark (as FunnelClient
/// does with `watermarkAllowance`); in every other bucket `deliver` loses 10%. Without watermarks the same bucket
/// cannot settle before `settle_after` (5 minutes by default) after it ends. In process: a real Funnel application
/// and a real Hummingbird receiver on loopback, through real HTTP.
enum DetectionLatency {
    static func run(quick: Bool, report: FigureReport) async throws {
        let runs = quick ? 3 : 10
        let sorted = try await Self.latencies(runs: runs).sorted()
        let median = sorted[sorted.count / 2]
        report.table(
            "Detection latency: last counts of a lossy 10 s bucket -> silent_loss webhook at the receiver (watermarks every second)",
            ["runs", "median ms", "worst ms", "without watermarks (settle_after 5m)"],
            [["\(runs)", Format.fixed(median * 1000, 1), Format.fixed(sorted.last! * 1000, 1), "> 300,000 ms"]],
            notes: ["Without watermarks a bucket settles settle_after after it ends, so no loss in it can be reported sooner."]
        )
        report.record("detection_latency", ["runs": runs, "median_s": median, "worst_s": sorted.last!, "bucket_seconds": 10, "grace_seconds": 300])
    }

    static func latencies(runs: Int) async throws -> [Double] {
        let arrivals = Mutex<[ContinuousClock.Instant]>([])
        let receiverRouter = Router()
        receiverRouter.post("/hook") { request, _ -> HTTPResponse.Status in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            if String(buffer: body).contains(#""status":"firing""#) { arrivals.withLock { $0.append(.now) } }
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
        let configuration = try FunnelConfiguration(yaml: """
            listen: 127.0.0.1:0
            data_dir: \(directory)
            evaluation_interval: 1s
            pipelines:
              - {name: bench, stages: [ingest, deliver], bucket: 10s, settle_after: 5m}
            webhook:
              initial_backoff: 50ms
            receivers:
              - {name: hook, type: generic, url: "http://127.0.0.1:\(receiverPort.withLock { $0 })/hook"}
            alarms:
              - {name: loss, kind: silent_loss, pipeline: bench, stage: deliver, above: 0.01, window: 10s, for: 0s, receivers: [hook], repeat_interval: 0s}
            """)
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

        func post(_ body: String) async throws {
            var request = HTTPClientRequest(url: base)
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            _ = try await response.body.collect(upTo: 1 << 16)
        }
        /// One second's flush of both stages, `lossy` when deliver passes 90 of its 100; each with its watermark.
        func flush(second: Int64, lossy: Bool) async throws {
            let time = EventTimestamp.formatRFC3339(millis: second * 1000 - 500)
            let watermark = EventTimestamp.formatRFC3339(millis: second * 1000)
            func counts(_ stage: String, _ outcome: String, _ count: Int) -> String {
                #"{"pipeline":"bench","stage":"\#(stage)","outcome":"\#(outcome)","count":\#(count),"event_time":"\#(time)"}"#
            }
            func mark(_ stage: String) -> String { #"{"pipeline":"bench","stage":"\#(stage)","reporter":"\#(stage)-1","watermark":"\#(watermark)"}"# }
            try await post("[" + [counts("ingest", "received", 100), counts("ingest", "passed", 100), mark("ingest")].joined(separator: ",") + "]")
            try await post("[" + [counts("deliver", "received", 100), counts("deliver", "passed", lossy ? 90 : 100), mark("deliver")].joined(separator: ",") + "]")
        }

        var latencies: [Double] = []
        var second = Int64(Date().timeIntervalSince1970) + 1
        // Start on a bucket boundary, with a clean bucket first.
        while second % 10 != 0 { second += 1 }
        var bucket = 0
        while latencies.count < runs {
            let lossy = bucket % 2 == 1
            for tick in 1...10 {
                let due = second + Int64(tick)
                let wait = Double(due) - Date().timeIntervalSince1970
                if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
                let before = arrivals.withLock { $0.count }
                let sent = ContinuousClock.now
                try await flush(second: due, lossy: lossy)
                if tick == 10, lossy {
                    // The flush that ends the bucket carries its last counts and the watermark that settles it.
                    while arrivals.withLock({ $0.count }) == before {
                        try await Task.sleep(for: .milliseconds(1))
                        if ContinuousClock.now - sent > .seconds(30) { throw CancellationError() }
                    }
                    latencies.append(AlarmLatency.seconds(arrivals.withLock { $0[before] } - sent))
                }
            }
            second += 10
            bucket += 1
        }
        serverTask.cancel()
        receiverTask.cancel()
        try? FileManager.default.removeItem(atPath: directory)
        return latencies
    }
}
