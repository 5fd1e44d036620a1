import Foundation
import FunnelClient
import FunnelCore
import FunnelTesting
import Logging
import ServiceLifecycle
import Testing

/// Cancellation means "send what is left, once": no retry loop, no `CancellationError` warnings, statistics that
/// say what the server confirmed.
@Suite struct ReporterCancellationTests {
    struct SiblingFailed: Error {}

    /// A service that records its work, then throws (cancelling its group) or returns.
    struct Worker: Service {
        let reporter: FunnelReporter
        let fails: Bool

        func run() async throws {
            let stage = try self.reporter.stage("work", of: "cancelled")
            for _ in 0..<50 { stage.received(count: 20) }
            stage.passed(count: 999, latency: .milliseconds(3))
            if self.fails { throw SiblingFailed() }
        }
    }

    static func configuration() -> ReporterConfiguration {
        ReporterConfiguration(flushInterval: .seconds(3600), requestTimeout: .seconds(5), initialBackoff: .milliseconds(10), shutdownTimeout: .seconds(10))
    }

    /// The logged lines that show a retry loop under cancellation.
    static func spinning(_ log: CapturedLog) -> [CapturedLog.Line] {
        log.all.filter { $0.message.contains("retrying") || "\($0.metadata)".contains("CancellationError") }
    }

    @Test(arguments: [true, false])
    func aCancelledGroupSendsWhatIsLeftOnceAndLosesNothing(siblingThrows: Bool) async throws {
        let server = try await LiveServer.start()
        let log = CapturedLog()
        let reporter = FunnelReporter(endpoint: IngestEndpoint(server: server.baseURL), configuration: Self.configuration(), logger: log.logger)
        let group = ServiceGroup(services: [reporter, Worker(reporter: reporter, fails: siblingThrows)], logger: Logger(label: "group") { _ in SwiftLogNoOpLogHandler() })
        await #expect(throws: (any Error).self) { try await group.run() }
        #expect(try await server.stages(of: "cancelled")["work"]?.counts == [1000, 999, 0, 0])
        let statistics = reporter.statistics
        #expect(statistics.deliveredEvents == 1999)
        #expect(statistics.droppedEvents == 0)
        #expect(statistics.unconfirmedEvents == 0)
        #expect(statistics.failedAttempts == 0)
        #expect(Self.spinning(log).isEmpty, "no retries and no CancellationError lines: \(Self.spinning(log))")
        try await server.stop()
    }

    /// The documented pattern for a worker that finishes on its own: it shuts the group down gracefully, the
    /// reporter drains, and the group returns without an error.
    @Test func aWorkerThatFinishesShutsItsGroupDownGracefully() async throws {
        let server = try await LiveServer.start()
        let reporter = FunnelReporter(endpoint: IngestEndpoint(server: server.baseURL), configuration: Self.configuration(), logger: CapturedLog().logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: reporter),
                    .init(service: Worker(reporter: reporter, fails: false), successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                logger: Logger(label: "group") { _ in SwiftLogNoOpLogHandler() }
            )
        )
        try await group.run()
        #expect(try await server.stages(of: "cancelled")["work"]?.counts == [1000, 999, 0, 0])
        #expect(reporter.statistics.deliveredEvents == 1999)
        try await server.stop()
    }

    /// Cancelled while the server is down: one attempt, then everything is counted as dropped (the server
    /// refused the connection, so it cannot have them) and said so once.
    @Test func cancelledWithTheServerDownGivesUpAfterOneAttempt() async throws {
        let down = try await LiveServer.start()
        try await down.stop()
        let log = CapturedLog()
        let reporter = FunnelReporter(endpoint: IngestEndpoint(server: down.baseURL), configuration: Self.configuration(), logger: log.logger)
        let run = Task { try await reporter.run() }
        reporter.received(pipeline: "cancelled", stage: "down", count: 42)
        run.cancel()
        try await run.value
        let statistics = reporter.statistics
        #expect(statistics.droppedEvents == 42)
        #expect(statistics.unconfirmedEvents == 0)
        #expect(statistics.failedAttempts <= 1)
        #expect(statistics.pendingEvents == 0)
        let stopped = log.warnings(containing: "stopped with 42 events unsent")
        #expect(stopped.count == 1)
        #expect(stopped.first?.message.contains("it was cancelled") == true)
        #expect(Self.spinning(log).isEmpty)
    }
}
