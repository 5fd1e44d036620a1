import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting

/// Real queue servers shared by the DLQ source suites: each is started once per test run, on a free loopback port.
enum QueueServers {
    static let moto = SharedFixture { try await MotoProcess() }
    static let postgres = SharedFixture { try await PostgresProcess() }
    static let redis = SharedFixture { try await RedisProcess() }
    static let redisWithPassword = SharedFixture { try await RedisProcess(password: "correct horse") }
}

/// Reading a live server's DLQ API.
extension LiveServer {
    /// The source named `name` in `/api/v1/dlq/sources`.
    func source(_ name: String) async throws -> DLQSourceStatus? {
        let response = try await self.request("GET", "/api/v1/dlq/sources")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(DLQSourceList.self, from: Data(response.body.utf8)).sources.first { $0.source == name }
    }

    /// The depth `/api/v1/dlq` shows for a queue.
    func depth(pipeline: String, queue: String) async throws -> UInt64? {
        let response = try await self.request("GET", "/api/v1/dlq")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(QueueDepthList.self, from: Data(response.body.utf8)).queues.first { $0.pipeline == pipeline && $0.queue == queue }?.depth
    }

    /// Waits until the source's last poll failed and returns its status.
    func waitUntilDown(_ name: String, within timeout: Duration = .seconds(20)) async throws -> DLQSourceStatus {
        try await Deadline.poll("source \(name) to be down", timeout: timeout) { () -> DLQSourceStatus? in
            guard let status = try await self.source(name), status.up == false else { return nil }
            return status
        }
    }

    /// Waits until `/api/v1/dlq` shows `depth` for the queue.
    func waitForDepth(_ depth: UInt64, pipeline: String, queue: String) async throws {
        _ = try await Deadline.poll("\(pipeline)/\(queue) to show depth \(depth)", timeout: .seconds(20)) { () -> Bool? in
            try await self.depth(pipeline: pipeline, queue: queue) == depth ? true : nil
        }
    }
}

/// A configuration polling `sources` quickly, with a data directory of its own.
func pollingConfiguration(_ sources: [DLQSourceConfiguration]) -> FunnelConfiguration {
    FunnelConfiguration(dlqSources: sources)
}

/// A unique queue or key name, so tests sharing a server never see each other's data.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}
