import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

/// Redis sources against a real redis-server, spoken to in RESP.
@Suite struct RedisSourceTests {
    func source(_ redis: RedisProcess, key: String, command: RedisSourceSettings.Command = .llen, password: String? = nil, queue: String? = nil) -> DLQSourceConfiguration {
        DLQSourceConfiguration(
            pipeline: "mail", queue: queue ?? key, intervalSeconds: 0.2, timeoutSeconds: 1,
            settings: .redis(RedisSourceSettings(host: "127.0.0.1", port: redis.port, password: password, key: key, command: command))
        )
    }

    @Test func countsListsStreamsAndSortedSets() async throws {
        let redis = try await QueueServers.redis.value()
        let list = uniqueName("list")
        let stream = uniqueName("stream")
        let sorted = uniqueName("zset")
        try await redis.command(["RPUSH", list, "a", "b", "c"])
        try await redis.command(["XADD", stream, "*", "f", "1"])
        try await redis.command(["XADD", stream, "*", "f", "2"])
        try await redis.command(["ZADD", sorted, "1", "a", "2", "b", "3", "c", "4", "d"])
        let server = try await LiveServer.start(configuration: pollingConfiguration([
            self.source(redis, key: list), self.source(redis, key: stream, command: .xlen), self.source(redis, key: sorted, command: .zcard),
        ]))
        defer { Task { try await server.stop() } }
        try await server.waitForDepth(3, pipeline: "mail", queue: list)
        try await server.waitForDepth(2, pipeline: "mail", queue: stream)
        try await server.waitForDepth(4, pipeline: "mail", queue: sorted)
        try await redis.command(["LPOP", list])
        try await server.waitForDepth(2, pipeline: "mail", queue: list)
    }

    @Test func aWrongTypeIsRedisError() async throws {
        let redis = try await QueueServers.redis.value()
        let stream = uniqueName("stream")
        try await redis.command(["XADD", stream, "*", "f", "1"])
        let source = self.source(redis, key: stream, command: .llen)
        let server = try await LiveServer.start(configuration: pollingConfiguration([source]))
        defer { Task { try await server.stop() } }
        let status = try await server.waitUntilDown(source.name)
        #expect(status.lastError == "\(source.name): redis LLEN \(stream) failed: WRONGTYPE Operation against a key holding the wrong kind of value")
    }

    @Test func authenticatesWithThePasswordAndNamesAWrongOne() async throws {
        let redis = try await QueueServers.redisWithPassword.value()
        let list = uniqueName("list")
        try await redis.command(["RPUSH", list, "x"])
        let right = self.source(redis, key: list, password: "correct horse")
        let wrong = self.source(redis, key: list, password: "battery staple", queue: "wrong")
        let missing = self.source(redis, key: list, queue: "missing")
        let server = try await LiveServer.start(configuration: pollingConfiguration([right, wrong, missing]))
        defer { Task { try await server.stop() } }
        try await server.waitForDepth(1, pipeline: "mail", queue: list)
        let refused = try await server.waitUntilDown(wrong.name)
        #expect(refused.lastError?.hasPrefix("\(wrong.name): redis at 127.0.0.1:\(redis.port) refused AUTH: error WRONGPASS") == true, "\(refused.lastError ?? "")")
        #expect(refused.lastError?.contains("battery") == false)
        let unauthenticated = try await server.waitUntilDown(missing.name)
        #expect(unauthenticated.lastError?.contains("NOAUTH") == true, "\(unauthenticated.lastError ?? "")")
    }

    /// The on-call terminal shows a polled depth like a reported one.
    @Test func thePolledDepthShowsInFunnelStatus() async throws {
        let redis = try await QueueServers.redis.value()
        let list = uniqueName("list")
        try await redis.command(["RPUSH", list, "a", "b", "c"])
        let server = try await LiveServer.start(configuration: pollingConfiguration([self.source(redis, key: list)]))
        defer { Task { try await server.stop() } }
        let body = #"[{"pipeline":"mail","stage":"send","outcome":"received","count":5}]"#
        #expect(try await server.request("POST", "/v1/reports", body: body, headers: [("Content-Type", "application/json")]).status == 202)
        try await server.waitForDepth(3, pipeline: "mail", queue: list)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let status = try FunnelProcess(["status", "--server", server.baseURL], directory: directory.path)
        _ = try await status.waitForExit()
        #expect(status.standardOutput.contains("dead-letter queue \(list): depth 3, updated"), "\(status.standardOutput)")
    }

    /// A polled depth obeys the same limits as a reported one.
    @Test func aDepthBeyondTheQueueLimitIsAnError() async throws {
        let redis = try await QueueServers.redis.value()
        let first = uniqueName("list")
        let second = uniqueName("list")
        var configuration = pollingConfiguration([self.source(redis, key: first)])
        configuration.ledger.maximumQueues = 1
        let server = try await LiveServer.start(configuration: configuration)
        try await server.waitForDepth(0, pipeline: "mail", queue: first)
        try await server.stop()
        // Restarted on the same data with a second source: the first queue holds the only slot.
        configuration.dlqSources.append(self.source(redis, key: second))
        let restarted = try await LiveServer.start(configuration: configuration, dataDirectory: server.dataDirectory)
        defer { Task { try await restarted.stop() } }
        let status = try await restarted.waitUntilDown("redis:mail/\(second)")
        #expect(status.lastError == "redis:mail/\(second): Funnel refused the depth 0 (too_many_queues); raise limits.max_queues")
    }
}
