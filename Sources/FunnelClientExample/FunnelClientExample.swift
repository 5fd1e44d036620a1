import ArgumentParser
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

    func run() async throws {
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
}
