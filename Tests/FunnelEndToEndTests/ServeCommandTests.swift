import Foundation
import FunnelTesting
import Testing

@Suite struct ServeCommandTests {
    @Test func runsOnEmbeddedDefaultsWithoutAConfig() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FunnelProcess.serve([], directory: directory.path)
        #expect(url == "http://127.0.0.1:9470")
        #expect(server.standardOutput.contains("data in ./funnel-data/funnel.sqlite"))
        #expect(FileManager.default.fileExists(atPath: directory.file("funnel-data/funnel.sqlite")))
        #expect(try await TestHTTP.get(url + "/-/healthy").status == 200)
        #expect(try await server.stop(signal: SIGINT) == 0)
    }

    @Test func sigtermStopsCleanlyAndARestartKeepsTheCounts() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let settled = nowMillis() - 20 * 60_000
        let (first, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        let body = "[" + report("ingest", "received", 50, eventTime: settled) + "," + report("ingest", "passed", 45, eventTime: settled) + "]"
        #expect(try await TestHTTP.post(url + "/v1/reports", body: body).status == 202)
        #expect(try await first.stop(signal: SIGTERM) == 0)

        let (second, secondURL) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path, logName: "second")
        defer { _ = Task { try await second.stop() } }
        let funnel = try #require(try await TestHTTP.get(secondURL + "/api/v1/funnel?pipeline=orders").json() as? [String: Any])
        let stage = try #require((funnel["stages"] as? [[String: Any]])?.first)
        #expect(stage["received"] as? Int == 50)
        #expect(stage["lost"] as? Int == 5)
    }

    @Test func helpExplainsEveryFlag() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let help = try FunnelProcess(["serve", "--help"], directory: directory.path)
        help.process.waitUntilExit()
        for flag in ["--config", "--listen", "--data-dir", "127.0.0.1:9470", "./funnel-data"] {
            #expect(help.standardOutput.contains(flag), "serve --help does not mention \(flag)")
        }
    }

    @Test func checkConfigAcceptsTheExampleAndNamesTheLineOfAMistake() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let good = try FunnelProcess(["check-config", RepositoryPaths.file("config.example.yml")], directory: directory.path, logName: "good")
        #expect(try await good.waitForExit() == 0)
        #expect(good.standardOutput.contains("OK"))
        let bad = try directory.write("pipelines:\n  - name: orders\n    settle_after: later\n", to: "bad.yml")
        let check = try FunnelProcess(["check-config", bad], directory: directory.path, logName: "bad")
        #expect(try await check.waitForExit() == 1)
        #expect(check.standardOutput.contains("bad.yml:3:19: pipelines[0].settle_after: expected a duration"))
    }

    @Test func aBadFlagIsRefusedWithAMessage() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try FunnelProcess(["serve", "--listen", "nowhere"], directory: directory.path)
        #expect(try await server.waitForExit() != 0)
        #expect(server.standardError.contains("--listen: expected HOST:PORT"))
    }
}
