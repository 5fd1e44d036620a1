import Foundation
import FunnelCore
import FunnelTesting
import Testing

@Suite struct DemoCommandTests {
    @Test func demoFeedsTheServerAndStopsAfterItsDuration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let started = ContinuousClock.now
        let demo = try FunnelProcess(["demo", "--server", url, "--duration", "3s", "--history", "0"], directory: directory.path, logName: "demo")
        #expect(try await demo.waitForExit(timeout: .seconds(30)) == 0, "\(demo.standardError)")
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(demo.standardOutput.contains("0s: calm"))
        let pipelines = try #require(try await TestHTTP.get(url + "/api/v1/pipelines").json() as? [String: Any])
        let orders = (pipelines["pipelines"] as? [[String: Any]])?.first
        #expect(orders?["name"] as? String == "orders")
        #expect(orders?["stages"] as? [String] == ["ingest", "process", "deliver"])
        let funnel = try #require(try await TestHTTP.get(url + "/api/v1/funnel?pipeline=orders&window=1m").json() as? [String: Any])
        let stages = funnel["stages"] as? [[String: Any]] ?? []
        #expect((stages.first?["received"] as? Int ?? 0) >= 3 * 150)
        let latency = stages.last?["latency_ms"] as? [String: Any]
        #expect((latency?["count"] as? Int ?? 0) > 0, "deliver reports latencies")
        let endToEnd = funnel["end_to_end_latency_ms"] as? [String: Any]
        #expect((endToEnd?["count"] as? Int ?? 0) > 0, "deliver reports end-to-end latencies")
        // Idempotency keys per batch: the server counted each request once.
        let metrics = try await TestHTTP.get(url + "/metrics").body
        #expect(metrics.contains(#"funnel_ingest_requests_total{result="accepted"}"#))
    }

    @Test(arguments: ["http://10.0.0.1:9470", "http://example.com:9470", "https://127.0.0.1:9470", "127.0.0.1:9470"])
    func demoOnlyTalksToThisMachine(server: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let demo = try FunnelProcess(["demo", "--server", server], directory: directory.path)
        #expect(try await demo.waitForExit() != 0)
        #expect(demo.standardError.contains("--server:"), "\(demo.standardError)")
        #expect(demo.standardError.contains(server))
    }

    @Test func demoWithoutAServerSaysToStartOne() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try await FreePort.next()
        let demo = try FunnelProcess(["demo", "--server", "http://127.0.0.1:\(port)", "--duration", "2s"], directory: directory.path)
        #expect(try await demo.waitForExit() == 1)
        #expect(demo.standardError.contains("funnel serve"))
    }
}
