import Foundation
import FunnelClient
import FunnelCore
import FunnelServer
import FunnelTesting
import Logging
import Testing

/// Configuration mistakes fail at start with an error naming the input, or are logged clearly and counted.
@Suite struct ReporterMisconfigurationTests {
    @Test(arguments: [
        ("127.0.0.1:9470", "is not a URL; expected http://HOST:PORT"),
        ("localhost:9470", "must start with http:// or https://, e.g. http://localhost:9470"),
        ("ftp://127.0.0.1:9470", "must start with http:// or https://"),
        ("http://", "has no host"),
        ("http://127.0.0.1:9470/?x=1", "without user, query or fragment"),
    ])
    func aServerURLThatCannotWorkFailsAtStart(server: String, problem: String) async throws {
        let reporter = FunnelReporter(endpoint: IngestEndpoint(server: server), logger: CapturedLog().logger)
        let error = await #expect(throws: IngestEndpointError.self) { try await reporter.run() }
        #expect(error?.input == "server")
        #expect(error?.description.contains(problem) == true, "\(error?.description ?? "")")
        #expect(error?.description.contains(String(reflecting: IngestEndpoint(server: server).server)) == true, "names the input")
        #expect(throws: IngestEndpointError.self) { try IngestEndpoint(validating: server) }
    }

    @Test func aTokenThatCannotBeSentFailsAtStart() throws {
        let error = #expect(throws: IngestEndpointError.self) { try IngestEndpoint(validating: "http://127.0.0.1:9470", token: "two words") }
        #expect(error?.input == "token")
        #expect(throws: Never.self) { try IngestEndpoint(validating: "https://funnel.internal/base", token: "s3cret") }
    }

    @Test func aConfigurationThatCannotWorkFailsAtStart() async throws {
        let cases: [(ReporterConfiguration, String)] = [
            (ReporterConfiguration(maximumBufferedBytes: 100), "maximumBufferedBytes"),
            (ReporterConfiguration(flushInterval: .zero), "flushInterval"),
            (ReporterConfiguration(eventTimeBucket: .milliseconds(300)), "eventTimeBucket"),
            (ReporterConfiguration(pipelines: ["orders": ["in gest"]]), "pipelines[\"orders\"]"),
        ]
        for (configuration, setting) in cases {
            let reporter = FunnelReporter(endpoint: IngestEndpoint(server: "http://127.0.0.1:9"), configuration: configuration, logger: CapturedLog().logger)
            let error = await #expect(throws: ReporterConfigurationError.self) { try await reporter.run() }
            #expect(error?.setting == setting)
        }
    }

    /// A `401` is logged as a refused token (an error, not a rare warning), counted, and the events wait for a fix.
    @Test func aRefusedTokenIsLoggedAsSuchAndCounted() async throws {
        var configuration = FunnelConfiguration()
        configuration.ingestTokens = ["right"]
        let server = try await LiveServer.start(configuration: configuration)
        let log = CapturedLog()
        let reporter = FunnelReporter(
            endpoint: IngestEndpoint(server: server.baseURL, token: "wrong"),
            configuration: ReporterConfiguration(flushInterval: .milliseconds(20), initialBackoff: .milliseconds(10), maximumBackoff: .milliseconds(50), shutdownTimeout: .milliseconds(200)),
            logger: log.logger
        )
        let run = Task { try await reporter.run() }
        reporter.received(pipeline: "secure", stage: "a", count: 2)
        #expect(try await eventually { reporter.statistics.tokenRefusals >= 3 })
        let refused = log.warnings(containing: "refused the ingest token")
        #expect(refused.count == 1, "logged once, then at most once a minute")
        #expect(refused.first?.level == .error)
        #expect(refused.first?.metadata["error"]?.contains("HTTP 401") == true)
        #expect(reporter.statistics.pendingEvents == 2)
        await reporter.shutdown()
        try await run.value
        try await server.stop()
    }

    /// Every invalid call is counted; the first is logged and then one line a minute says how many more there were.
    @Test func invalidCallsAreCountedAndTheirLogIsRateLimited() async throws {
        let log = CapturedLog()
        let reporter = FunnelReporter(endpoint: IngestEndpoint(server: "http://127.0.0.1:9"), logger: log.logger)
        for index in 0..<25 { reporter.received(pipeline: "bad name \(index)", stage: "x") }
        #expect(reporter.statistics.invalidCalls == 25)
        let ignored = log.warnings(containing: "ignored")
        #expect(ignored.count == 1)
        #expect(ignored.first?.message.contains("\"bad name 0\"") == true)
        await reporter.shutdown()
        let summary = try #require(log.all.last)
        #expect(summary.message.hasPrefix("Funnel reporter stopped: 0 events recorded"))
        #expect(summary.metadata["invalid_calls"] == "25")
        #expect(summary.metadata["invalid_calls_not_logged"] == "24")
    }

    /// Declared stages: a handle on an undeclared stage cannot be made, and a call naming one is refused and counted.
    @Test func declaredPipelinesRefuseUndeclaredStages() async throws {
        let server = try await LiveServer.start()
        let reporter = FunnelReporter(
            endpoint: IngestEndpoint(server: server.baseURL),
            configuration: ReporterConfiguration(flushInterval: .seconds(3600), pipelines: ["orders": ["ingest", "enrich"]]),
            logger: CapturedLog().logger
        )
        let run = Task { try await reporter.run() }
        let error = #expect(throws: ReporterNameError.self) { try reporter.stage("enrih", of: "orders") }
        #expect(error?.description == #"stage "enrih" of pipeline "orders": is not declared; declared: ingest, enrich"#)
        #expect(throws: ReporterNameError.self) { try reporter.stage("in gest", of: "other") }
        let enrich = try reporter.stage("enrich", of: "orders")
        enrich.received(count: 3)
        reporter.received(pipeline: "orders", stage: "enrih", count: 5)
        try reporter.stage("anything", of: "undeclared").passed(count: 1)
        #expect(reporter.statistics.invalidCalls == 1)
        #expect(try await reporter.flush())
        #expect(try await server.stages(of: "orders").mapValues(\.received) == ["enrich": 3])
        #expect(try await server.stages(of: "undeclared")["anything"]?.passed == 1)
        await reporter.shutdown()
        try await run.value
        try await server.stop()
    }
}
