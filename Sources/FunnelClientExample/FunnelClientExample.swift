import ArgumentParser
import Foundation
import FunnelClient
import Logging
import ServiceLifecycle
import UnixSignals

/// A three-stage "orders" pipeline that reports to a local Funnel server through ``FunnelReporter``.
///
/// Run a server (`funnel serve`), then `swift run FunnelClientExample --server http://127.0.0.1:9470` and
/// open `http://127.0.0.1:9470/api/v1/funnel?pipeline=example-orders`. About 1 in 50 events is lost silently
/// between `ingest` and `enrich`, and 1 in 20 is dead-lettered at `deliver`; Funnel shows both.
@main
struct FunnelClientExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Report a simulated pipeline to a Funnel server.")

    @Option(help: "The Funnel server's base URL.")
    var server = "http://127.0.0.1:9470"

    @Option(help: "How long to run, in seconds.")
    var seconds = 5

    @Option(help: "Instead, simulate this many minutes of an outage (point --server at a port nobody listens on), in compressed time, and print the reporter's memory.")
    var outageMinutes: Int?

    @Option(help: "maximumBufferedBytes for the outage simulation, in MiB.")
    var maximumBufferedMiB = 64

    func run() async throws {
        if let outageMinutes {
            try await self.simulateOutage(minutes: outageMinutes)
            return
        }
        var logger = Logger(label: "funnel-client-example")
        logger.logLevel = .info
        let reporter = FunnelReporter(endpoint: IngestEndpoint(server: self.server), logger: logger)
        let group = ServiceGroup(services: [reporter], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let pipeline = "example-orders"
            var sequence = 0
            for _ in 0..<(self.seconds * 10) {
                for _ in 0..<100 {
                    sequence += 1
                    reporter.received(pipeline: pipeline, stage: "ingest")
                    reporter.passed(pipeline: pipeline, stage: "ingest", latency: .milliseconds(2))
                    if sequence % 50 == 0 { continue }  // lost in transit: nobody reports it again
                    reporter.received(pipeline: pipeline, stage: "enrich")
                    reporter.passed(pipeline: pipeline, stage: "enrich", latency: .milliseconds(15))
                    reporter.received(pipeline: pipeline, stage: "deliver")
                    if sequence % 20 == 0 {
                        reporter.deadLettered(pipeline: pipeline, stage: "deliver")
                    } else {
                        reporter.passed(pipeline: pipeline, stage: "deliver", latency: .milliseconds(40))
                    }
                }
                reporter.dlqDepth(pipeline: pipeline, queue: "orders-dlq", depth: sequence / 20)
                try await Task.sleep(for: .milliseconds(100))
            }
            // Graceful shutdown makes the reporter send what is left before the group returns.
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let statistics = reporter.statistics
        print(
            "recorded \(statistics.recordedEvents) events, delivered \(statistics.deliveredEvents), dropped \(statistics.droppedEvents), retries \(statistics.failedAttempts)"
        )
        print("see \(self.server)/api/v1/funnel?pipeline=example-orders")
    }

    /// Each simulated second: 3 stages x 4 outcomes, 1,000 events, latencies over 24 sketch buckets and end-to-end
    /// latencies over 12; every simulated minute a line with the estimate, the peak, the resident set and the drops.
    private func simulateOutage(minutes: Int) async throws {
        var logger = Logger(label: "funnel-client-example")
        logger.logLevel = .error
        let bound = self.maximumBufferedMiB << 20
        let reporter = FunnelReporter(
            endpoint: try IngestEndpoint(validating: self.server),
            configuration: ReporterConfiguration(flushInterval: .milliseconds(50), maximumBufferedBytes: bound, maximumBackoff: .seconds(1), shutdownTimeout: .zero),
            logger: logger
        )
        let run = Task { try await reporter.run() }
        let stages = try ["ingest", "enrich", "deliver"].map { try reporter.stage($0, of: "outage") }
        let start = Date(timeIntervalSinceNow: -Double(minutes * 60))
        print("minute  recorded_events  dropped_events  estimated_bytes  peak_estimated_bytes  rss_bytes  bound_bytes")
        for second in 0..<(minutes * 60) {
            let eventTime = start.addingTimeInterval(Double(second))
            for stage in stages {
                stage.received(count: 1000, eventTime: eventTime)
                for step in 0..<24 {
                    stage.passed(count: 40, eventTime: eventTime, latency: .microseconds(500 << (step / 2)), endToEnd: .milliseconds(50 << (step / 2)))
                }
                stage.failed(count: 25, eventTime: eventTime, latency: .milliseconds(3))
                stage.deadLettered(count: 15, eventTime: eventTime)
            }
            if second % 60 == 59 {
                try await Task.sleep(for: .milliseconds(5))
                let statistics = reporter.statistics
                print("\(second / 60 + 1)  \(statistics.recordedEvents)  \(statistics.droppedEvents)  \(statistics.bufferedBytes)  \(statistics.peakBufferedBytes)  \(Self.residentBytes())  \(bound)")
            }
        }
        run.cancel()
        try await run.value
    }

    /// The process's resident set, from /proc/self/statm (Linux), in bytes; 0 where it cannot be read.
    private static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
