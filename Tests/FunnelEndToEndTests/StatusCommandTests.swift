import Foundation
import FunnelCore
import FunnelTesting
import Hummingbird
import HummingbirdTesting
import Testing

/// `funnel status` exit codes: 0 and 3 against the real server, 1 and 2 against a stub serving canned alarms.
@Suite struct StatusCommandTests {
    static func status(_ arguments: [String], in directory: TemporaryDirectory, logName: String = "status") async throws -> (Int32, FunnelProcess) {
        let process = try FunnelProcess(["status"] + arguments, directory: directory.path, logName: logName)
        return (try await process.waitForExit(), process)
    }

    static func alarm(_ name: String, _ state: AlarmState, pipeline: String = "orders") -> AlarmStatus {
        AlarmStatus(
            name: name, kind: "dlq_depth", state: state, since: state == .inactive ? nil : "2026-11-26T11:30:00Z", value: 340, threshold: 100,
            summary: "\(name) depth 340 (threshold 100)", pipeline: pipeline, stage: nil, queue: "orders-dlq", labels: [:]
        )
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A stand-in server: the real read API's shapes with canned alarms (nil: no alarms API, 404); no `/api/v1/dlq` (404).
    static func withStub(alarms: [AlarmStatus]?, _ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        let funnel = PipelineFunnel(
            pipeline: "orders",
            stages: [
                StageFunnel(
                    name: "ingest", position: 0, received: 10, passed: 9, failed: 0, deadLettered: 0, lost: 1, inFlight: 0, excess: 0, lossShare: 1,
                    lateEvents: 0, settled: StageCounts(received: 10, passed: 9), latencyMs: LatencyQuantiles()
                )
            ],
            transit: [],
            totals: FunnelTotals(ingested: 10, delivered: 9, settledIngested: 10, settledDelivered: 9, deliveryRatio: 0.9, lost: 1, excess: 0, inFlight: 0)
        )
        let pipelines = #"{"pipelines":[{"bucket_seconds":60,"declared":false,"name":"orders","settle_after_seconds":300,"stages":["ingest"]},"#
            + #"{"bucket_seconds":60,"declared":false,"name":"billing","settle_after_seconds":300,"stages":["ingest"]}]}"#
        let funnelJSON = try Self.encode(funnel)
        let alarmsJSON = try Self.encode(AlarmList(alarms: alarms ?? []))
        router.get("/api/v1/pipelines") { _, _ in Self.json(pipelines) }
        router.get("/api/v1/funnel") { request, _ in
            Self.json(funnelJSON.replacingOccurrences(of: #""pipeline":"orders""#, with: #""pipeline":"\#(request.uri.queryParameters["pipeline"] ?? "")""#))
        }
        if alarms != nil { router.get("/api/v1/alarms") { _, _ in Self.json(alarmsJSON) } }
        let app = Application(router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await body("http://127.0.0.1:\(port)")
        }
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    @Test func exitsZeroWhenAllIsWellOnTheRealServer() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let settled = nowMillis() - 20 * 60_000
        let body = "[" + [
            report("ingest", "received", 1000, eventTime: settled), report("ingest", "passed", 990, eventTime: settled),
            report("ingest", "dead_lettered", 4, eventTime: settled), report("deliver", "received", 985, eventTime: settled),
            report("deliver", "passed", 980, eventTime: settled),
        ].joined(separator: ",") + "]"
        #expect(try await TestHTTP.post(url + "/v1/reports", body: body).status == 202)

        let (code, status) = try await Self.status(["--server", url], in: directory)
        #expect(code == 0, "\(status.standardError)")
        let output = status.standardOutput
        #expect(output.hasPrefix("OK: "))
        #expect(output.contains("orders: delivery 98.00%, ingested 1000, delivered 980, lost 16"))
        #expect(output.contains("ingest->deliver"))
        #expect(!output.contains("\u{1B}"), "no escape codes when stdout is not a terminal")
        let ingest = try #require(output.split(separator: "\n").first { $0.hasPrefix("  ingest ") })
        #expect(ingest.split(separator: " ").prefix(7) == ["ingest", "1000", "990", "0", "4", "6", "37.5%"])

        let (jsonCode, json) = try await Self.status(["--server", url, "--pipeline", "orders", "--json"], in: directory, logName: "json")
        #expect(jsonCode == 0)
        let api = try await TestHTTP.get(url + "/api/v1/funnel?pipeline=orders&window=5m").body
        #expect(json.standardOutput == api + "\n")

        let (unknownCode, unknown) = try await Self.status(["--server", url, "--pipeline", "nope"], in: directory, logName: "unknown")
        #expect(unknownCode == 3)
        #expect(unknown.standardError.contains(#"no pipeline named "nope"; the server has orders"#))
    }

    @Test func exitsThreeWhenTheServerIsUnreachable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try await FreePort.next()
        let (unreachable, process) = try await Self.status(["--server", "http://127.0.0.1:\(port)"], in: directory, logName: "unreachable")
        #expect(unreachable == 3)
        #expect(process.standardError.contains("UNKNOWN: cannot reach http://127.0.0.1:\(port)/api/v1/pipelines"), "\(process.standardError)")
    }

    @Test func serverFromTheEnvironment() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try await FreePort.next()
        let process = try FunnelProcess(["status"], directory: directory.path, environment: ["FUNNEL_SERVER": "http://127.0.0.1:\(port)"])
        #expect(try await process.waitForExit() == 3)
        #expect(process.standardError.contains("http://127.0.0.1:\(port)"))
    }

    @Test func exitsOneWhenAnAlarmIsPending() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await Self.withStub(alarms: [Self.alarm("orders-dlq", .pending), Self.alarm("quiet", .inactive)]) { url in
            let (code, status) = try await Self.status(["--server", url], in: directory)
            #expect(code == 1, "\(status.standardOutput)\(status.standardError)")
            #expect(status.standardOutput.hasPrefix("PENDING: 1 pending · 2 pipelines"))
            #expect(status.standardOutput.contains("PENDING  orders-dlq  orders-dlq depth 340 (threshold 100)"))
            #expect(!status.standardOutput.contains("quiet"))
        }
    }

    @Test func exitsTwoWhenAnAlarmIsFiring() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let alarms = [Self.alarm("orders-dlq", .pending), Self.alarm("billing-dlq", .firing, pipeline: "billing")]
        try await Self.withStub(alarms: alarms) { url in
            let (code, status) = try await Self.status(["--server", url], in: directory)
            #expect(code == 2, "\(status.standardOutput)\(status.standardError)")
            #expect(status.standardOutput.hasPrefix("FIRING: 1 firing, 1 pending"))
            // Only the orders pipeline: billing's firing alarm does not count.
            let (ordersCode, orders) = try await Self.status(["--server", url, "--pipeline", "orders"], in: directory, logName: "orders")
            #expect(ordersCode == 1, "\(orders.standardOutput)")
            #expect(!orders.standardOutput.contains("billing"))
            let (jsonCode, json) = try await Self.status(["--server", url, "--json"], in: directory, logName: "json")
            #expect(jsonCode == 2)
            let array = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]]
            #expect(array?.map { $0["pipeline"] as? String } == ["orders", "billing"])
        }
    }

    @Test func aServerWithoutAlarmsOrQueuesIsAllWell() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await Self.withStub(alarms: nil) { url in
            let (code, status) = try await Self.status(["--server", url], in: directory)
            #expect(code == 0, "\(status.standardOutput)\(status.standardError)")
            #expect(status.standardOutput.hasPrefix("OK: alarms not available on this server · 2 pipelines"))
            #expect(status.standardOutput.contains("orders: delivery 90.00%, ingested 10, delivered 9, lost 1"))
        }
    }

    @Test func readAndIngestTokens() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try FunnelProcess(
            ["serve", "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path,
            environment: ["FUNNEL_READ_TOKENS": "reader", "FUNNEL_INGEST_TOKENS": "writer"], logName: "serve"
        )
        defer { _ = Task { try await server.stop() } }
        let url = try await Deadline.poll("the listening line") { () -> String? in
            server.standardOutput.range(of: "listening on ").map { range in
                String(server.standardOutput[range.upperBound...].prefix { $0 != "," })
            }
        }
        let demo = try FunnelProcess(["demo", "--server", url, "--duration", "1s", "--history", "1", "--token", "writer"], directory: directory.path, logName: "demo")
        #expect(try await demo.waitForExit() == 0, "\(demo.standardError)")
        let (refused, without) = try await Self.status(["--server", url], in: directory, logName: "without")
        #expect(refused == 3)
        #expect(without.standardError.contains("answered 401"), "\(without.standardError)")
        #expect(!without.standardError.contains("reader"))
        let (code, with) = try await Self.status(["--server", url, "--token", "reader"], in: directory, logName: "with")
        #expect(code == 0, "\(with.standardError)")
        #expect(with.standardOutput.contains("orders: delivery"))
        let process = try FunnelProcess(["status", "--server", url], directory: directory.path, environment: ["FUNNEL_READ_TOKEN": "reader"], logName: "env")
        #expect(try await process.waitForExit() == 0, "\(process.standardError)")
    }

    @Test func helpDocumentsTheExitCodes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let help = try FunnelProcess(["status", "--help"], directory: directory.path)
        _ = try await help.waitForExit()
        for line in ["0  OK", "1  an alarm is pending", "2  an alarm is firing", "3  UNKNOWN", "--json", "--pipeline", "--worst", "--server", "141"] {
            #expect(help.standardOutput.contains(line), "status --help lacks \(line)")
        }
    }

    @Test func globsAndWorstKeepThirtyPipelinesReadable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FleetScenario.serve(in: directory)
        defer { _ = Task { try await server.stop() } }
        func headlines(_ output: String) -> [String] {
            output.split(separator: "\n").filter { $0.hasPrefix("tenant-") }.map { String($0.prefix { $0 != ":" }) }
        }

        let (code, tens) = try await Self.status(["--server", url, "--pipeline", "tenant-0*"], in: directory, logName: "glob")
        #expect(code == 0, "\(tens.standardError)")
        #expect(tens.standardOutput.hasPrefix("OK: no alarms · 10 of 30 pipelines · "))
        #expect(headlines(tens.standardOutput) == (0..<10).map(FleetScenario.name))

        let (_, two) = try await Self.status(
            ["--server", url, "--pipeline", "\(FleetScenario.name(19)), tenant-2[0-1]-*", "--pipeline", "*-07-*"], in: directory, logName: "list"
        )
        #expect(headlines(two.standardOutput) == [7, 19, 20, 21].map(FleetScenario.name), "in the server's order")

        let (worstCode, worst) = try await Self.status(["--server", url, "--worst", "3"], in: directory, logName: "worst")
        #expect(worstCode == 0)
        #expect(worst.standardOutput.hasPrefix("OK: no alarms · 3 of 30 pipelines, most trouble first · "))
        let ranked = headlines(worst.standardOutput)
        #expect(ranked.count == 3)
        #expect(ranked.first == FleetScenario.name(7), "the worst settled delivery first")

        let (jsonCode, json) = try await Self.status(["--server", url, "--worst", "2", "--pipeline", "tenant-1*", "--json"], in: directory, logName: "json")
        #expect(jsonCode == 0)
        let array = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]]
        #expect(array?.count == 2)
        #expect(array?.allSatisfy { ($0["pipeline"] as? String)?.hasPrefix("tenant-1") == true } == true)

        let (missingCode, missing) = try await Self.status(["--server", url, "--pipeline", "tenant-0*,nope-*"], in: directory, logName: "missing")
        #expect(missingCode == 3)
        #expect(missing.standardError.hasPrefix(#"UNKNOWN: no pipeline matches "nope-*"; the server has 30 pipelines: tenant-00-"#), "\(missing.standardError)")
    }

    @Test func worstAndGlobsCountOnlyTheAlarmsOfThePipelinesShown() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await Self.withStub(alarms: [Self.alarm("orders-dlq", .pending), Self.alarm("billing-dlq", .firing, pipeline: "billing")]) { url in
            let (worstCode, worst) = try await Self.status(["--server", url, "--worst", "1"], in: directory, logName: "worst")
            #expect(worstCode == 2, "the firing pipeline is the one in most trouble: \(worst.standardOutput)")
            #expect(worst.standardOutput.hasPrefix("FIRING: 1 firing · 1 of 2 pipelines, most trouble first"))
            #expect(worst.standardOutput.contains("billing: delivery"))
            #expect(!worst.standardOutput.contains("orders: delivery"))
            let (globCode, glob) = try await Self.status(["--server", url, "--pipeline", "ord*"], in: directory, logName: "glob")
            #expect(globCode == 1, "\(glob.standardOutput)")
            #expect(!glob.standardOutput.contains("billing"))
        }
    }

    @Test(arguments: [
        (["--worst", "0"], #"--worst "0": expected how many pipelines to show, 1 or more"#),
        (["--pipeline", "tenant-[0-"], #"--pipeline "tenant-[0-": an unclosed "[" at character 8"#),
        (["--pipeline", "orders,"], #"--pipeline "orders,": an empty pattern"#),
    ])
    func badSelectionsAreRefusedBeforeAskingTheServer(arguments: [String], message: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (code, status) = try await Self.status(["--server", "http://127.0.0.1:9"] + arguments, in: directory)
        #expect(code == 64)
        #expect(status.standardError.contains(message), "\(status.standardError)")
    }
}
