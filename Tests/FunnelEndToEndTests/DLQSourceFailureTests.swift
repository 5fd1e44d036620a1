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

    /// A server that accepts and never answers: every poll ends at its timeout, while ingest, `/metrics` and a
    /// healthy source carry on at full speed.
    @Test func aHungSourceTimesOutWithoutStallingAnythingElse() async throws {
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
            configuration: pollingConfiguration(self.sources(port: silent.port, timeout: 0.3) + [healthy]), environment: self.credentials
        )
        defer { Task { try await server.stop() } }
        for name in ["sqs:orders/sqs-dlq", "postgres:orders/pg-dlq", "redis:orders/redis-dlq"] {
            let status = try await server.waitUntilDown(name)
            // Whichever gives up first, the probe's own deadline or the poll's hard limit, it is a timeout.
            #expect(status.lastError?.hasPrefix("\(name): no answer within the timeout of 300ms") == true, "\(status.lastError ?? "")")
            #expect(status.polls.timeout >= 1)
            #expect(status.polls.ok == 0)
        }
        // While the hung sources keep timing out, everything else answers promptly.
        let clock = ContinuousClock()
        for round in 0..<10 {
            let start = clock.now
            let body = #"[{"pipeline":"orders","stage":"ingest","outcome":"received","count":1}]"#
            #expect(try await server.request("POST", "/v1/reports", body: body, headers: [("Content-Type", "application/json")]).status == 202)
            #expect(try await server.request("GET", "/metrics").status == 200)
            let elapsed = clock.now - start
            // Prompt: a request that waited for a hung source would wait forever. The bound leaves room for a
            // loaded two-core machine running the whole suite at once.
            #expect(elapsed < .seconds(2), "round \(round) took \(elapsed)")
            try await Task.sleep(for: .milliseconds(50))
        }
        try await redis.command(["RPUSH", list, "b"])
        try await server.waitForDepth(2, pipeline: "mail", queue: list)
        // Each hung poll ends at its timeout and the next one starts on time: within a few intervals (600ms) of
        // the first timeout, every hung source has timed out again.
        for name in ["sqs:orders/sqs-dlq", "postgres:orders/pg-dlq", "redis:orders/redis-dlq"] {
            let polls = try await Deadline.poll("a second timed-out poll of \(name)", timeout: .seconds(3)) { () -> DLQSourceStatus.Polls? in
                guard let polls = try await server.source(name)?.polls, polls.timeout >= 2 else { return nil }
                return polls
            }
            #expect(polls.ok == 0)
        }
    }
}
