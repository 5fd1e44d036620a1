import Foundation
import FunnelCore
import FunnelTesting
import Testing

/// `funnel wait` exit codes against the real server: 0 complete, 1 timed out, 2 below the threshold, 3 unanswerable.
@Suite struct WaitCommandTests {
    static func wait(_ arguments: [String], in directory: TemporaryDirectory, logName: String) async throws -> (Int32, FunnelProcess) {
        let process = try FunnelProcess(["wait"] + arguments, directory: directory.path, logName: logName)
        return (try await process.waitForExit(timeout: .seconds(60)), process)
    }

    static func time(_ millis: Int64) -> String { EventTimestamp.formatRFC3339(millis: millis) }

    @Test func exitCodesSayWhetherToPublish() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        // Two settled minutes, 20 minutes ago: the first delivers 999 of 1,000, the second 990.
        let minute: Int64 = 60_000
        let first = (nowMillis() - 20 * minute) / minute * minute
        let second = first + minute
        let body = "[" + [
            report("ingest", "received", 1000, eventTime: first), report("ingest", "passed", 1000, eventTime: first),
            report("deliver", "received", 1000, eventTime: first), report("deliver", "passed", 999, eventTime: first),
            report("ingest", "received", 1000, eventTime: second), report("ingest", "passed", 1000, eventTime: second),
            report("deliver", "received", 1000, eventTime: second), report("deliver", "passed", 990, eventTime: second),
            report("deliver", "dead_lettered", 10, eventTime: second),
        ].joined(separator: ",") + "]"
        #expect(try await TestHTTP.post(url + "/v1/reports", body: body).status == 202)
        let range = ["--server", url, "--pipeline", "orders"]

        let (complete, completeRun) = try await Self.wait(range + ["--from", Self.time(first), "--to", Self.time(second)], in: directory, logName: "complete")
        #expect(complete == 0, "\(completeRun.standardOutput)\(completeRun.standardError)")
        #expect(completeRun.standardOutput.hasPrefix("COMPLETE: orders [\(Self.time(first)), \(Self.time(second))): delivered 999 of 1000 (99.90%, threshold 99.90%)"))

        let (below, belowRun) = try await Self.wait(
            range + ["--from", Self.time(first), "--to", Self.time(second + minute)], in: directory, logName: "below"
        )
        #expect(below == 2, "\(belowRun.standardOutput)\(belowRun.standardError)")
        #expect(belowRun.standardOutput.contains("BELOW THRESHOLD: orders"))
        #expect(belowRun.standardOutput.contains("delivered 1989 of 2000 (99.45%, threshold 99.90%), recoverable 10, net missing 1"))

        let (lowered, _) = try await Self.wait(
            range + ["--from", Self.time(first), "--to", Self.time(second + minute), "--threshold", "0.99"], in: directory, logName: "lowered"
        )
        #expect(lowered == 0)

        // An hour that has not happened yet cannot settle within two seconds.
        let future = nowMillis() / minute * minute + 30 * minute
        let (timedOut, timedOutRun) = try await Self.wait(
            range + ["--from", Self.time(future), "--to", Self.time(future + minute), "--timeout", "2s", "--interval", "500ms"],
            in: directory, logName: "timeout"
        )
        #expect(timedOut == 1, "\(timedOutRun.standardOutput)\(timedOutRun.standardError)")
        #expect(timedOutRun.standardOutput.hasPrefix("TIMED OUT after 2s: "))
        #expect(timedOutRun.standardOutput.contains("1 bucket not settled"))
        #expect(timedOutRun.standardError.contains("waiting: 1 bucket of orders"))

        let (unknown, unknownRun) = try await Self.wait(
            ["--server", url, "--pipeline", "billing", "--from", Self.time(first), "--to", Self.time(second)], in: directory, logName: "unknown"
        )
        #expect(unknown == 3)
        #expect(unknownRun.standardError.contains(#"no pipeline named \"billing\""#) || unknownRun.standardError.contains(#"no pipeline named "billing""#))

        let (usage, usageRun) = try await Self.wait(range + ["--from", Self.time(second), "--to", Self.time(first)], in: directory, logName: "usage")
        #expect(usage == 64)
        #expect(usageRun.standardError.contains("--from must be before --to"))
    }

    @Test func waitsForTheLastBucketToSettleThenExitsZero() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(
            "pipelines:\n  - name: orders\n    stages: [ingest, deliver]\n    bucket: 1s\n    settle_after: 2s\nsettle_interval: 100ms\n", to: "funnel.yml"
        )
        let (server, url) = try await FunnelProcess.serve(
            ["--config", config, "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path
        )
        defer { _ = Task { try await server.stop() } }
        let second = (nowMillis() / 1000 + 6) * 1000
        let body = "[" + [
            report("ingest", "received", 50, eventTime: second), report("ingest", "passed", 50, eventTime: second),
            report("deliver", "received", 50, eventTime: second), report("deliver", "passed", 50, eventTime: second),
        ].joined(separator: ",") + "]"
        #expect(try await TestHTTP.post(url + "/v1/reports", body: body).status == 202)
        let (code, run) = try await Self.wait(
            ["--server", url, "--pipeline", "orders", "--from", Self.time(second), "--to", Self.time(second + 1000), "--interval", "200ms", "--timeout", "40s"],
            in: directory, logName: "settling"
        )
        #expect(code == 0, "\(run.standardOutput)\(run.standardError)")
        #expect(run.standardError.contains("waiting: 1 bucket of orders"), "it asked before the bucket settled")
        #expect(run.standardOutput.hasPrefix("COMPLETE: orders"))
        #expect(run.standardOutput.contains("delivered 50 of 50 (100%"))
    }
}
