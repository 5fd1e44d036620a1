import Foundation
import FunnelClient
import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

/// Label values from the reporter reach the server's per-tenant funnels, each set of values its own series.
@Suite struct ReporterLabelTests {
    static func server() async throws -> LiveServer {
        var configuration = FunnelConfiguration()
        configuration.ledger.pipelines = [PipelineDefinition(name: "events", stages: ["ingest", "deliver"], labels: ["tenant", "version"])]
        return try await LiveServer.start(configuration: configuration)
    }

    static func reporter(_ server: LiveServer, log: CapturedLog = CapturedLog()) -> FunnelReporter {
        FunnelReporter(endpoint: IngestEndpoint(server: server.baseURL), configuration: ReporterConfiguration(flushInterval: .seconds(3600)), logger: log.logger)
    }

    /// The `by=tenant` groups as (value, ingested, delivered), in the server's order.
    static func tenants(_ server: LiveServer, query: String = "by=tenant") async throws -> [(String, Int, Int)] {
        let reply = try await server.request("GET", "/api/v1/funnel?pipeline=events&" + query)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any], "\(reply.body)")
        let groups = try #require(body["groups"] as? [[String: Any]], "\(reply.body)")
        return groups.map { group in
            let totals = group["totals"] as? [String: Any]
            return (group["value"] as? String ?? "?", totals?["ingested"] as? Int ?? -1, totals?["delivered"] as? Int ?? -1)
        }
    }

    @Test func labelledHandlesAndLabelArgumentsCountPerTenant() async throws {
        let server = try await Self.server()
        let reporter = Self.reporter(server)
        let run = Task { try await reporter.run() }
        let ingest = try reporter.stage("ingest", of: "events")
        let deliver = try reporter.stage("deliver", of: "events")
        for _ in 0..<3 {
            ingest.labelled(["tenant": "acme", "version": "2.4.1"]).received(count: 10)
            ingest.labelled(["tenant": "acme"]).labelled(["version": "2.4.1"]).passed(count: 10)
        }
        deliver.labelled(["tenant": "acme", "version": "2.4.1"]).received(count: 30)
        deliver.labelled(["tenant": "acme", "version": "2.4.1"]).passed(count: 21, latency: .milliseconds(3))
        reporter.received(pipeline: "events", stage: "ingest", count: 5, labels: ["tenant": "globex"])
        reporter.passed(pipeline: "events", stage: "ingest", count: 5, labels: ["tenant": "globex"])
        reporter.received(pipeline: "events", stage: "deliver", count: 5, labels: ["tenant": "globex"])
        reporter.passed(pipeline: "events", stage: "deliver", count: 5, labels: ["tenant": "globex"])
        ingest.received(count: 2)
        #expect(try await reporter.flush())
        #expect(reporter.statistics.invalidCalls == 0)
        #expect(reporter.statistics.deliveredEvents == 30 + 30 + 30 + 21 + 20 + 2)

        let tenants = try await Self.tenants(server)
        #expect(tenants.map(\.0) == ["acme", "globex", ""], "acme's 9 are lost once settled; discovery order otherwise")
        #expect(tenants.first.map { [$0.1, $0.2] } == [30, 21])
        #expect(tenants.dropFirst().first.map { [$0.1, $0.2] } == [5, 5])
        #expect(try await Self.tenants(server, query: "by=version&label=tenant:acme").map(\.0) == ["2.4.1"])
        #expect(try await server.stages(of: "events")["ingest"]?.received == 37, "the pipeline's own funnel is the sum")
        await reporter.shutdown()
        try await run.value
        try await server.stop()
    }

    @Test func labelsTheServerWouldRefuseAreRefusedAtTheCall() async throws {
        let server = try await Self.server()
        let log = CapturedLog()
        let reporter = Self.reporter(server, log: log)
        let run = Task { try await reporter.run() }
        let ingest = try reporter.stage("ingest", of: "events")
        ingest.labelled(["tenant": "__other__"]).received()
        ingest.labelled(["pipeline": "x"]).received()
        ingest.labelled(["tenant": String(repeating: "a", count: 129)]).received()
        #expect(reporter.statistics.invalidCalls == 3)
        #expect(reporter.statistics.recordedEvents == 0)
        #expect(log.warnings(containing: "Funnel reporter ignored").first?.message.contains("label tenant: value __other__ is reserved") == true)
        await reporter.shutdown()
        try await run.value
        try await server.stop()
    }

    @Test func aLabelThePipelineDoesNotDeclareIsRefusedByTheServerAndCounted() async throws {
        let server = try await Self.server()
        let reporter = Self.reporter(server)
        let run = Task { try await reporter.run() }
        let ingest = try reporter.stage("ingest", of: "events")
        ingest.labelled(["region": "eu"]).received(count: 4)
        ingest.labelled(["tenant": "acme"]).received(count: 6)
        #expect(try await reporter.flush() == false, "a refused series is reported by flush")
        #expect(reporter.statistics.rejectedEventsByReason == ["unknown_label": 4])
        #expect(try await server.stages(of: "events")["ingest"]?.received == 6, "the other series is kept")
        await reporter.shutdown()
        try await run.value
        try await server.stop()
    }
}
