import Foundation
import FunnelCore
import FunnelTesting
import Testing

/// `funnel emit` and `funnel serve --statsd`, run as the real built binary against a real `funnel serve`.
@Suite struct EmitCommandTests {
    /// Starts `funnel serve` on a free port with its data in a fresh directory.
    static func serve(_ arguments: [String] = []) async throws -> (FunnelProcess, String, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let (server, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"] + arguments, directory: directory.path)
        return (server, url, directory)
    }

    @Test func emitsOneReportFromFlags() async throws {
        let (server, url, directory) = try await Self.serve()
        defer { directory.remove() }
        let eventTime = EventTimestamp.formatRFC3339(millis: (Int64(Date().timeIntervalSince1970) - 60) * 1000)
        let result = try FunnelCommand.run([
            "emit", "--server", url, "--pipeline", "orders", "--stage", "ingest", "--outcome", "received",
            "--count", "3", "--latency-ms", "2.5", "--event-time", eventTime,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "{\"accepted\":1}\n")
        #expect(try await FunnelCommand.stages(url, pipeline: "orders")["ingest"] == [3, 0, 0, 0])
        #expect(try await server.stop() == 0)
    }

    @Test func emitsRecoveryOutcomesWithTheirOriginalEventTime() async throws {
        let (server, url, directory) = try await Self.serve()
        defer { directory.remove() }
        let original = EventTimestamp.formatRFC3339(millis: (Int64(Date().timeIntervalSince1970) - 3600) / 60 * 60 * 1000)
        for (outcome, count) in [("received", "10"), ("dead_lettered", "4"), ("passed", "6"), ("redriven", "4"), ("passed", "4"), ("redelivered", "2")] {
            let result = try FunnelCommand.run([
                "emit", "--server", url, "--pipeline", "orders", "--stage", "process", "--outcome", outcome, "--count", count, "--event-time", original,
            ])
            #expect(result.status == 0, "\(outcome): \(result.stderr)")
        }
        let funnel = try #require(try await TestHTTP.get(url + "/api/v1/funnel?pipeline=orders").json() as? [String: Any])
        let process = try #require((funnel["stages"] as? [[String: Any]])?.first)
        #expect(process["redriven"] as? Int == 4)
        #expect(process["redelivered"] as? Int == 2)
        #expect(process["dlq_outstanding"] as? Int == 0)
        #expect(process["lost"] as? Int == 0, "10 received + 4 redriven = 10 passed + 4 dead-lettered")
        #expect((funnel["totals"] as? [String: Any])?["recovered"] as? Int == 4)
        #expect(try await server.stop() == 0)
    }

    @Test func aWatermarkFromTheCommandLineSettlesTheBucketAtOnce() async throws {
        let (server, url, directory) = try await Self.serve()
        defer { directory.remove() }
        let bucket = (Int64(Date().timeIntervalSince1970) / 60 - 1) * 60
        let eventTime = String(bucket)
        for (outcome, count) in [("received", "10"), ("passed", "7")] {
            let result = try FunnelCommand.run([
                "emit", "--server", url, "--pipeline", "clicks", "--stage", "collect", "--outcome", outcome, "--count", count, "--event-time", eventTime,
            ])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let watermark = try FunnelCommand.run([
            "emit", "--server", url, "--pipeline", "clicks", "--stage", "collect", "--reporter", "collector-1", "--watermark", String(bucket + 60),
        ])
        #expect(watermark.status == 0, "\(watermark.stderr)")
        #expect(watermark.stdout == "{\"accepted\":1}\n")
        let funnel = try #require(try await TestHTTP.get(url + "/api/v1/funnel?pipeline=clicks&detail=buckets").json() as? [String: Any])
        let stage = try #require((funnel["stages"] as? [[String: Any]])?.first)
        #expect(stage["lost"] as? Int == 3, "settled by the watermark, minutes before settle_after")
        #expect((funnel["buckets"] as? [[String: Any]])?.first?["settled_by"] as? String == "watermark")

        let mixed = try FunnelCommand.run(["emit", "--server", url, "--pipeline", "clicks", "--stage", "collect", "--watermark", "1"])
        #expect(mixed.status == 64)
        #expect(mixed.stderr.contains("a watermark needs --pipeline, --stage, --reporter and --watermark"))
        #expect(try await server.stop() == 0)
    }

    /// CRLF line ends, as a file written on Windows has them.
    @Test func emitsManyFromAnNDJSONFileInBatches() async throws {
        let (server, url, directory) = try await Self.serve()
        defer { directory.remove() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString).ndjson")
        try """
            {"pipeline":"etl","stage":"extract","outcome":"received","count":10}
            {"pipeline":"etl","stage":"extract","outcome":"passed","count":9}

            {"pipeline":"etl","stage":"extract","outcome":"failed"}
            """.replacingOccurrences(of: "\n", with: "\r\n").write(to: file, atomically: true, encoding: .utf8)
        let result = try FunnelCommand.run(["emit", "--server", url, "--file", file.path, "--batch-size", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "{\"accepted\":2}\n{\"accepted\":1}\n")
        #expect(try await FunnelCommand.stages(url, pipeline: "etl")["extract"] == [10, 9, 1, 0])
        #expect(try await server.stop() == 0)
    }

    @Test func emitsManyFromStandardInput() async throws {
        let (server, url, directory) = try await Self.serve()
        defer { directory.remove() }
        let input = (1...5).map { #"{"pipeline":"shell","stage":"job","outcome":"dead_lettered","count":\#($0)}"# }.joined(separator: "\n") + "\n"
        let result = try FunnelCommand.run(["emit", "--server", url, "--file", "-"], stdin: input)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "{\"accepted\":5}\n")
        #expect(try await FunnelCommand.stages(url, pipeline: "shell")["job"] == [0, 0, 0, 15])
        #expect(try await server.stop() == 0)
    }

    @Test func aRejectedReportExitsNonZeroWithTheServersMessage() async throws {
        let (server, url, directory) = try await Self.serve()
        defer { directory.remove() }
        let single = try FunnelCommand.run(["emit", "--server", url, "--pipeline", "orders", "--stage", "ingest", "--outcome", "bogus"])
        #expect(single.status == 1)
        #expect(single.stdout.isEmpty)
        #expect(single.stderr == "funnel emit: reports[0].outcome: must be one of received, passed, failed, dead_lettered, redelivered, redriven or replayed; got \"bogus\"\n")

        let input = """
            {"pipeline":"orders","stage":"ingest","outcome":"received","count":2}

            {"pipeline":"orders","stage":"ingest","outcome":"passed","count":0}
            """
        let file = try FunnelCommand.run(["emit", "--server", url, "--file", "-"], stdin: input)
        #expect(file.status == 1)
        #expect(file.stderr == "funnel emit: stdin:3: reports[1].count: must be an integer from 1 to 1000000000000, got 0\n")
        #expect(try await FunnelCommand.stages(url, pipeline: "orders").isEmpty, "a rejected request counts nothing")
        #expect(try await server.stop() == 0)
    }

    @Test func anUnreachableServerExitsNonZero() throws {
        let result = try FunnelCommand.run(["emit", "--server", "http://127.0.0.1:1", "--pipeline", "p", "--stage", "s", "--outcome", "passed", "--timeout", "0.3"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("funnel emit: cannot reach http://127.0.0.1:1: "))
    }

    @Test func serveTakesStatsDLinesWhenAskedAndSaysItIsOffByDefault() async throws {
        let help = try FunnelCommand.run(["serve", "--help"])
        #expect(help.stdout.contains("--statsd <host:port>"))
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("[default: disabled unless statsd.listen is set in the config file]"))

        let (quiet, _, quietDirectory) = try await Self.serve()
        defer { quietDirectory.remove() }
        #expect(!quiet.standardOutput.contains("StatsD"))
        #expect(try await quiet.stop() == 0)

        let (server, url, directory) = try await Self.serve(["--statsd", "127.0.0.1:0"])
        defer { directory.remove() }
        let line = try await Deadline.poll("the StatsD address") { server.standardOutput.split(separator: "\n").first { $0.contains("StatsD listening on udp://") } }
        let port = try #require(line.split(separator: "udp://").last?.split(separator: ":").last.flatMap { Int($0) })
        try await StatsDSender.udp(
            ["funnel.events:4|c|#pipeline:udp,stage:in,outcome:received\nfunnel.dlq_depth:3|g|#pipeline:udp,queue:udp-dlq\nnot a line"], port: port
        )
        #expect(try await eventually { try await FunnelCommand.stages(url, pipeline: "udp")["in"] == [4, 0, 0, 0] })

        // The StatsD families pass promtool next to everything else.
        let promtool = try RequiredTool("promtool", package: "prometheus")
        let metrics = try await TestHTTP.get(url + "/metrics").body
        #expect(metrics.contains("funnel_statsd_lines_total{result=\"accepted\"} 2\n"))
        #expect(metrics.contains("funnel_statsd_lines_total{result=\"malformed\"} 1\n"))
        #expect(metrics.contains("funnel_dlq_depth{pipeline=\"udp\",queue=\"udp-dlq\"} 3\n"))
        let check = try promtool.run(["check", "metrics"], input: Array(metrics.utf8))
        #expect(check.status == 0, "promtool check metrics: \(check.output)")
        #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool findings: \(check.output)")
        #expect(try await server.stop() == 0)
    }
}
