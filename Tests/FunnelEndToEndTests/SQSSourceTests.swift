import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

/// SQS sources against a real moto server with SigV4 authentication on.
@Suite struct SQSSourceTests {
    func source(_ moto: MotoProcess, queue: String, queueURL: String) -> DLQSourceConfiguration {
        DLQSourceConfiguration(
            pipeline: "orders", queue: queue, intervalSeconds: 0.2, timeoutSeconds: 2,
            settings: .sqs(SQSSourceSettings(queueURL: queueURL, region: "us-east-1", endpoint: moto.endpoint))
        )
    }

    @Test func readsTheDepthAndInFlightCountFromTheQueue() async throws {
        let moto = try await QueueServers.moto.value()
        let queue = uniqueName("orders-dlq")
        let url = try await moto.createQueue(queue)
        try await moto.send(5, to: url)
        try await moto.receive(2, from: url)
        let server = try await LiveServer.start(
            configuration: pollingConfiguration([self.source(moto, queue: queue, queueURL: url)]),
            environment: ["AWS_ACCESS_KEY_ID": moto.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.secretAccessKey]
        )
        defer { Task { try await server.stop() } }
        try await server.waitForDepth(3, pipeline: "orders", queue: queue)
        let name = "sqs:orders/\(queue)"
        #expect(try await server.metric("funnel_dlq_depth{pipeline=\"orders\",queue=\"\(queue)\"}") == 3)
        #expect(try await server.metric("funnel_dlq_source_up{source=\"\(name)\",kind=\"sqs\",pipeline=\"orders\",queue=\"\(queue)\"}") == 1)
        #expect(try await server.metric("funnel_dlq_source_not_visible_messages{source=\"\(name)\"}") == 2)
        let status = try #require(try await server.source(name))
        #expect(status.lastDepth == 3)
        #expect(status.lastError == nil)
        #expect(status.lastSuccessAt != nil)
        // New dead letters show up on a later poll.
        try await moto.send(4, to: url)
        try await server.waitForDepth(7, pipeline: "orders", queue: queue)
    }

    @Test func aWrongSecretIsMotosSignatureDoesNotMatch() async throws {
        let moto = try await QueueServers.moto.value()
        let queue = uniqueName("orders-dlq")
        let url = try await moto.createQueue(queue)
        let server = try await LiveServer.start(
            configuration: pollingConfiguration([self.source(moto, queue: queue, queueURL: url)]),
            environment: ["AWS_ACCESS_KEY_ID": moto.accessKeyID, "AWS_SECRET_ACCESS_KEY": "not-the-secret"]
        )
        defer { Task { try await server.stop() } }
        let name = "sqs:orders/\(queue)"
        let status = try await server.waitUntilDown(name)
        #expect(status.lastError?.hasPrefix("\(name): SignatureDoesNotMatch: The request signature we calculated does not match") == true, "\(status.lastError ?? "")")
        #expect(status.lastError?.contains("not-the-secret") == false)
        #expect(try await server.metric("funnel_dlq_source_up{source=\"\(name)\",kind=\"sqs\",pipeline=\"orders\",queue=\"\(queue)\"}") == 0)
        #expect(try await server.metric("funnel_dlq_source_polls_total{source=\"\(name)\",result=\"error\"}") ?? 0 >= 1)
        #expect(try await server.depth(pipeline: "orders", queue: queue) == nil)
    }

    @Test func anUnknownAccessKeyIsInvalidClientTokenId() async throws {
        let moto = try await QueueServers.moto.value()
        let queue = uniqueName("orders-dlq")
        let url = try await moto.createQueue(queue)
        let server = try await LiveServer.start(
            configuration: pollingConfiguration([self.source(moto, queue: queue, queueURL: url)]),
            environment: ["AWS_ACCESS_KEY_ID": "AKIAUNKNOWNKEY000000", "AWS_SECRET_ACCESS_KEY": "whatever"]
        )
        defer { Task { try await server.stop() } }
        let status = try await server.waitUntilDown("sqs:orders/\(queue)")
        #expect(status.lastError?.hasPrefix("sqs:orders/\(queue): InvalidClientTokenId: ") == true, "\(status.lastError ?? "")")
    }

    @Test func aMissingQueueIsNamed() async throws {
        let moto = try await QueueServers.moto.value()
        let server = try await LiveServer.start(
            configuration: pollingConfiguration([self.source(moto, queue: "gone", queueURL: moto.endpoint + "/123456789012/no-such-queue")]),
            environment: ["AWS_ACCESS_KEY_ID": moto.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.secretAccessKey]
        )
        defer { Task { try await server.stop() } }
        let status = try await server.waitUntilDown("sqs:orders/gone")
        #expect(status.lastError == "sqs:orders/gone: QueueDoesNotExist: The specified queue does not exist.")
    }

    /// The issue's example, with moto's port for 5000, run by the real binary with credentials from the environment.
    @Test func theIssueExampleWorksWithTheFunnelBinary() async throws {
        let moto = try await QueueServers.moto.value()
        let url = try await moto.createQueue("orders-dlq")
        try await moto.send(2, to: url)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(IssueExample.sqsSource.replacingOccurrences(of: "127.0.0.1:5000", with: "127.0.0.1:\(moto.port)"), to: "funnel.yml")
        let (process, address) = try await FunnelProcess.serve(
            ["--config", config, "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path,
            environment: ["AWS_ACCESS_KEY_ID": moto.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.secretAccessKey]
        )
        defer { _ = Task { try await process.stop() } }
        let depth = try await Deadline.poll("the example's depth in /api/v1/dlq") { () -> Int? in
            let queues = (try await TestHTTP.get(address + "/api/v1/dlq").json() as? [String: Any])?["queues"] as? [[String: Any]]
            return queues?.first { $0["queue"] as? String == "orders-dlq" }?["depth"] as? Int
        }
        #expect(depth >= 2)
        #expect(!process.standardOutput.contains(moto.secretAccessKey))
        #expect(!process.standardError.contains(moto.secretAccessKey))
    }
}
