import Foundation
import FunnelTesting
import Synchronization
import Testing

/// Acknowledged means durable: SIGKILL the server again and again under load; nothing acknowledged is lost,
/// nothing retried is counted twice.
@Suite struct CrashRecoveryTests {
    /// One client's batch: its key, body and how many events it carries.
    struct Batch {
        var key: String
        var body: String
        var events: Int
    }

    /// What the load generator has had acknowledged.
    final class Progress: Sendable {
        let acknowledged = Mutex(0)
    }

    @Test func killedTenTimesUnderLoadTheCountsEqualTheAcknowledgedBatches() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try await FreePort.next()
        let url = "http://127.0.0.1:\(port)"
        let arguments = ["--listen", "127.0.0.1:\(port)", "--data-dir", "data", "--log-level", "error"]
        var (server, _) = try await FunnelProcess.serve(arguments, directory: directory.path, logName: "run-0")

        let eventTime = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-1200))
        let clients = 4
        let batchesPerClient = 60
        let progress = Progress()
        let loadTask = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for client in 0..<clients {
                    group.addTask {
                        var sent = 0
                        for number in 0..<batchesPerClient {
                            let count = (client + 1) * 10 + number % 7
                            let batch = Batch(
                                key: "client-\(client)-batch-\(number)",
                                body: #"[{"pipeline":"crash","stage":"ingest","outcome":"received","count":\#(count),"event_time":"\#(eventTime)"},{"pipeline":"crash","stage":"ingest","outcome":"passed","count":1,"event_time":"\#(eventTime)"}]"#,
                                events: count
                            )
                            // Retry until acknowledged: the server may be dead, starting, or killed mid-request.
                            while true {
                                if let reply = try? await TestHTTP.post(url + "/v1/reports", body: batch.body, headers: [("Idempotency-Key", batch.key)]),
                                    reply.status == 202
                                {
                                    break
                                }
                                try await Task.sleep(for: .milliseconds(20))
                            }
                            sent += batch.events
                            progress.acknowledged.withLock { $0 += 1 }
                        }
                        return sent
                    }
                }
                var total = 0
                for try await sent in group { total += sent }
                return total
            }
        }

        var kills = 0
        while kills < 10 {
            try await Task.sleep(for: .milliseconds(Int.random(in: 80...300)))
            #expect(try await server.stop(signal: SIGKILL) == 9 || server.process.terminationReason == .uncaughtSignal)
            kills += 1
            (server, _) = try await FunnelProcess.serve(arguments, directory: directory.path, logName: "run-\(kills)")
        }
        let expected = try await loadTask.value
        #expect(progress.acknowledged.withLock { $0 } == clients * batchesPerClient)
        #expect(kills == 10)

        let funnel = try #require(try await TestHTTP.get(url + "/api/v1/funnel?pipeline=crash").json() as? [String: Any])
        let stage = try #require((funnel["stages"] as? [[String: Any]])?.first)
        #expect(stage["received"] as? Int == expected, "received must equal the sum of acknowledged batches")
        #expect(stage["passed"] as? Int == clients * batchesPerClient, "one passed event per batch, each counted once")
        try await server.stop()
    }
}
