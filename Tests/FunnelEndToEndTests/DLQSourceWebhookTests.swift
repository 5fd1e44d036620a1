import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

/// Alarms on polled sources, delivered to a real webhook receiver.
@Suite struct DLQSourceWebhookTests {
    @Test func aSourceDownAlarmAndADepthAlarmFireFromPolling() async throws {
        let receiver = try await CapturingWebhookReceiver()
        let redis = try await QueueServers.redis.value()
        let list = uniqueName("list")
        try await redis.command(["RPUSH", list, "a", "b", "c"])
        let closed = try await FreePort.next()
        let yaml = """
            receivers:
              - {name: oncall, type: generic, url: "\(receiver.url)/hook"}
            dlq_sources:
              - {kind: redis, pipeline: mail, queue: \(list), port: \(redis.port), key: \(list), interval: 200ms}
              - {kind: redis, pipeline: jobs, queue: dead, port: \(closed), key: jobs:dead, interval: 200ms}
            alarms:
              - {name: jobs-source-down, kind: dlq_source_down, pipeline: jobs, queue: dead, for: 0s, receivers: [oncall]}
              - {name: mail-dlq, kind: dlq_depth, pipeline: mail, queue: \(list), above: 2, receivers: [oncall]}
            """
        let server = try await LiveServer.start(configuration: try FunnelConfiguration(yaml: yaml))
        defer { Task { try await server.stop() } }
        let texts = try await Deadline.poll("both alarms to notify") { () -> [String]? in
            let bodies = receiver.captures.map { $0.body.replacingOccurrences(of: "\\/", with: "/") }
            let seen = ["jobs-source-down", "mail-dlq"].allSatisfy { name in bodies.contains { $0.contains(name) } }
            return seen ? bodies : nil
        }
        let down = try #require(texts.first { $0.contains("jobs-source-down") })
        #expect(down.contains("dlq_source_down"))
        #expect(down.contains("redis:jobs/dead: cannot connect to redis at 127.0.0.1:\(closed)"))
        let depth = try #require(texts.first { $0.contains("mail-dlq") })
        #expect(depth.contains("depth 3"))
        let alarms = try await server.request("GET", "/api/v1/alarms").body
        #expect(alarms.contains("\"kind\":\"dlq_source_down\""))
    }
}
