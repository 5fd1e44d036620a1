import Foundation
import FunnelClient
import Logging
import Metrics
import ServiceLifecycle
import UnixSignals

// The Swift code blocks of README.md and docs/clients.md, compiled here: DocumentationSnippetTests holds every
// block of those pages to one of the regions between `// snippet NAME` and `// end snippet`.

/// What the snippets take from the reader's program.
struct SnippetBatch {
    var count: Int
    var firstEventTime: Date
}

struct SnippetDLQ {
    func depth() async throws -> Int { 0 }
}

func reporterSnippet(batch: SnippetBatch, enriched: [Int], rejected: [Int], poisoned: [Int], dlq: SnippetDLQ, ingestToken: String?) async throws -> FunnelReporter {
    // snippet reporter
    let reporter = FunnelReporter(
        endpoint: try IngestEndpoint(validating: "http://127.0.0.1:9470", token: ingestToken),
        configuration: ReporterConfiguration(pipelines: ["orders": ["ingest", "enrich", "deliver"]])
    )
    let enrich = try reporter.stage("enrich", of: "orders")  // a misspelt stage throws here, at start

    // On the hot path: a dictionary update behind a lock, never a network call.
    enrich.received(count: batch.count, eventTime: batch.firstEventTime)
    enrich.passed(count: enriched.count, eventTime: batch.firstEventTime, latency: .milliseconds(14))
    enrich.failed(count: rejected.count, eventTime: batch.firstEventTime)
    enrich.deadLettered(count: poisoned.count, eventTime: batch.firstEventTime)
    reporter.dlqDepth(pipeline: "orders", queue: "orders-dlq", depth: try await dlq.depth())
    // end snippet
    return reporter
}

func recoverySnippet(enrich: ReporterStage, retried: [Int], fromDLQ: SnippetBatch, backfill: SnippetBatch) {
    // snippet recovery
    enrich.redelivered(count: retried.count)
    enrich.redriven(count: fromDLQ.count, eventTime: fromDLQ.firstEventTime)
    enrich.replayed(count: backfill.count, eventTime: backfill.firstEventTime)
    // end snippet
}

func groupSnippet(reporter: FunnelReporter, worker: some Service, logger: Logger) async throws {
    // snippet group
    // The worker finishes on its own: it shuts the group down gracefully, and the reporter sends what is left.
    let group = ServiceGroup(
        configuration: ServiceGroupConfiguration(
            services: [
                .init(service: reporter),
                .init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm],
            logger: logger
        )
    )
    try await group.run()
    // end snippet
}

func deliverSnippet(reporter: FunnelReporter, batch: SnippetBatch, sent: [Int]) async throws {
    // snippet deliver
    let deliver = try reporter.stage("deliver", of: "orders")
    deliver.passed(
        count: sent.count, eventTime: batch.firstEventTime, latency: .milliseconds(40),
        endToEnd: .seconds(Date().timeIntervalSince(batch.firstEventTime))  // entering the pipeline to delivery
    )
    let confirmed = try await reporter.flush()  // a job about to exit: true once the server confirmed everything
    // end snippet
    _ = confirmed
}

func swiftMetricsSnippet(reporter: FunnelReporter, prometheus: any MetricsFactory) {
    // snippet swift-metrics
    MetricsSystem.bootstrap(FunnelMetricsFactory(reporter: reporter, fallback: prometheus))  // fallback: nil drops the others
    // or, beside another backend:
    // MetricsSystem.bootstrap(MultiplexMetricsHandler(factories: [FunnelMetricsFactory(reporter: reporter), prometheus]))

    Counter(label: "funnel.events", dimensions: [("pipeline", "orders"), ("stage", "ingest"), ("outcome", "received")]).increment(by: 5)
    Timer(label: "funnel.latency", dimensions: [("pipeline", "orders"), ("stage", "process")]).recordMilliseconds(12)
    Gauge(label: "funnel.dlq.depth", dimensions: [("pipeline", "orders"), ("queue", "orders-dlq")]).record(3)
    // end snippet
}
