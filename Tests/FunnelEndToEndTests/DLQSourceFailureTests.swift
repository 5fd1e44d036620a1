import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

/// Sources that cannot be reached or never answer: each shows a clear error, and nothing else waits for them.
@Suite struct DLQSourceFailureTests {
    /// One source of each kind at `port` on 127.0.0.1.
    func sources(port: Int, timeout: Double) -> [DLQSourceConfiguration] {
        [
            DLQSourceConfiguration(
                pipeline: "orders", queue: "sqs-dlq", intervalSeconds: timeout * 2, timeoutSeconds: timeout,
                settings: .sqs(SQSSourceSettings(queueURL: "http://127.0.0.1:\(port)/1/q", region: "us-east-1", endpoint: "http://127.0.0.1:\(port)"))
            ),
            DLQSourceConfiguration(
                pipeline: "orders", queue: "pg-dlq", intervalSeconds: timeout * 2, timeoutSeconds: timeout,
                settings: .postgres(PostgresSourceSettings(port: port, password: "x", query: "SELECT 1", statementTimeoutSeconds: timeout))
            ),
            DLQSourceConfiguration(
                pipeline: "orders", queue: "redis-dlq", intervalSeconds: timeout * 2, timeoutSeconds: timeout,
                settings: .redis(RedisSourceSettings(port: port, key: "dead"))
            ),
        ]
    }

    let credentials = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"]

    @Test func aClosedPortIsConnectionRefusedForEveryKind() async throws {
        let port = try await FreePort.next()
        let server = try await LiveServer.start(configuration: pollingConfiguration(self.sources(port: port, timeout: 10)), environment: self.credentials)
        defer { Task { try await server.stop() } }
        for name in ["sqs:orders/sqs-dlq", "postgres:orders/pg-dlq", "redis:orders/redis-dlq"] {
            // Refused at once; the long timeout only keeps a loaded machine from turning it into a timeout.
            let status = try await server.waitUntilDown(name, within: .seconds(40))
            let error = status.lastError ?? ""
            #expect(error.hasPrefix(name + ": "), "\(error)")
            #expect(error.lowercased().contains("refused"), "\(error)")
            #expect(status.polls.error >= 1)
            #expect(try await server.metric("funnel_dlq_source_up{source=\"\(name)\",kind=\"\(status.kind.rawValue)\",pipeline=\"orders\",queue=\"\(status.queue)\"}") == 0)
        }
    }

    /// A server that accepts and never answers: every poll of every kind ends at its timeout, and the next one
    /// starts on time.
    @Test func aHungSourceTimesOut() async throws {
        let silent = try await SilentListener.start()
        defer { Task { await silent.stop() } }
        let server = try await LiveServer.start(
            configuration: pollingConfiguration(self.sources(port: silent.port, timeout: 0.3)), environment: self.credentials
        )
        defer { Task { try await server.stop() } }
        for name in ["sqs:orders/sqs-dlq", "postgres:orders/pg-dlq", "redis:orders/redis-dlq"] {
            let status = try await server.waitUntilDown(name)
            // Whichever gives up first, the probe's own deadline or the poll's hard limit, it is a timeout.
            #expect(status.lastError?.hasPrefix("\(name): no answer within the timeout of 300ms") == true, "\(status.lastError ?? "")")
            #expect(status.polls.ok == 0)
            // A second timed-out poll: the first ended at its timeout instead of hanging on.
            let polls = try await Deadline.poll("a second timed-out poll of \(name)") { () -> DLQSourceStatus.Polls? in
                guard let polls = try await server.source(name)?.polls, polls.timeout >= 2 else { return nil }
                return polls
            }
            #expect(polls.error == 0)
        }
    }

    /// Sources hung for 30 seconds per poll: ingest, `/metrics`, the API and a healthy source carry on meanwhile.
    @Test func aHungSourceStallsNothingElse() async throws {
        let silent = try await SilentListener.start()
        defer { Task { await silent.stop() } }
        let redis = try await QueueServers.redis.value()
        let list = uniqueName("list")
        try await redis.command(["RPUSH", list, "a"])
        let healthy = DLQSourceConfiguration(
            pipeline: "mail", queue: list, intervalSeconds: 0.1, timeoutSeconds: 0.1,
            settings: .redis(RedisSourceSettings(port: redis.port, key: list))
        )
        let server = try await LiveServer.start(
            configuration: pollingConfiguration(self.sources(port: silent.port, timeout: 30) + [healthy]), environment: self.credentials
        )
        defer { Task { try await server.stop() } }
        try await server.waitForDepth(1, pipeline: "mail", queue: list)
        let clock = ContinuousClock()
        for round in 0..<5 {
            let start = clock.now
            let body = #"[{"pipeline":"orders","stage":"ingest","outcome":"received","count":1}]"#
            #expect(try await server.request("POST", "/v1/reports", body: body, headers: [("Content-Type", "application/json")]).status == 202)
            #expect(try await server.request("GET", "/metrics").status == 200)
            #expect(try await server.request("GET", "/api/v1/dlq/sources").status == 200)
            // Anything that waited for a hung poll would take 30 seconds; the bound leaves room for a loaded machine.
            let elapsed = clock.now - start
            #expect(elapsed < .seconds(10), "round \(round) took \(elapsed)")
        }
        // The healthy source keeps polling while the others hang.
        try await redis.command(["RPUSH", list, "b"])
        try await server.waitForDepth(2, pipeline: "mail", queue: list)
        for name in ["sqs:orders/sqs-dlq", "postgres:orders/pg-dlq", "redis:orders/redis-dlq"] {
            let status = try #require(try await server.source(name))
            #expect(status.up == nil, "\(name) is still in its first poll")
        }
    }

    /// `funnel serve` stops at once on SIGTERM even while a poll hangs with 30 seconds to go.
    @Test func shutdownDoesNotWaitForAHungPoll() async throws {
        let silent = try await SilentListener.start()
        defer { Task { await silent.stop() } }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write("""
            dlq_sources:
              - {kind: redis, pipeline: mail, queue: bounces, port: \(silent.port), key: k, interval: 60s, timeout: 30s}

            """, to: "funnel.yml")
        let (process, address) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        _ = try await Deadline.poll("the poll to be under way") { () -> Bool? in
            try await TestHTTP.get(address + "/-/healthy").status == 200 ? true : nil
        }
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try await process.stop(signal: SIGTERM, timeout: .seconds(20)) == 0)
        #expect(clock.now - start < .seconds(15), "shutdown waited for the hung poll")
    }
}
