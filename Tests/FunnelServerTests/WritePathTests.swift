import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import ServiceLifecycleTestKit
import Testing

/// The one write path: nothing reaches the ledger before it is durable, refusals leave no trace, the order of new
/// stages survives a restart, and the group committer drains and then refuses on shutdown.
@Suite struct WritePathTests {
    private static func intake(_ directory: TemporaryDirectory, clock: ManualClock) throws -> (ReportIntake, FunnelStore) {
        let configuration = FunnelConfiguration(dataDirectory: directory.path)
        let store = try FunnelStore(directory: directory.path)
        return (try ReportIntake(configuration: configuration, store: store, clock: clock.closure), store)
    }

    private static func body(_ reports: [String]) -> [UInt8] { Array(("[" + reports.joined(separator: ",") + "]").utf8) }

    /// What the ledger shows: pipelines, their stages and their funnels.
    private static func view(_ intake: ReportIntake) -> [String] {
        intake.withSettledLedger { ledger in
            ledger.pipelines.map { pipeline in
                "\(pipeline.name): \(pipeline.stages) \(String(describing: ledger.funnel(pipeline: pipeline.name)?.totals))"
            }
        }
    }

    @Test func aFailedWriteLeavesTheLedgerAsItWasForEveryWayIn() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(millis: t0)
        let (intake, store) = try Self.intake(directory, clock: clock)
        try await withRunning(intake.committer) {
            _ = try await intake.ingest(body: Self.body([reportJSON("ingest", "received", count: 5)]), idempotencyKey: nil)
            let pages = try await store.pageCount()
            #expect(try await store.limitPages(to: pages) == pages)
            // New pipelines, stages, buckets and queues until the database is full; every write that fails must
            // leave the ledger exactly as it was.
            var before = Self.view(intake)
            var failures = (http: 0, statsd: 0)
            var failedKey: String?
            for attempt in 0..<300 {
                let reports = (0..<20).map { reportJSON("stage-\($0)", "received", eventTime: t0 - Int64(attempt) * minute, pipeline: "new-\(attempt)") }
                do {
                    _ = try await intake.ingest(body: Self.body(reports), idempotencyKey: "key-\(attempt)")
                    before = Self.view(intake)
                } catch let error as StorageError {
                    #expect(error.kind == .full)
                    failures.http += 1
                    failedKey = failedKey ?? "key-\(attempt)"
                    #expect(Self.view(intake) == before, "nothing of a failed request is in the ledger")
                }
                let entries = IngestEntries(
                    stageReports: [StageReport(pipeline: "statsd-\(attempt)", stage: "s", outcome: .received, count: 2)],
                    latencies: [StageLatency(LatencyObservation(pipeline: "statsd-\(attempt)", stage: "t", millis: 5), bucketsSeconds: intake.latencyBucketsSeconds)],
                    queueDepths: [QueueDepthReport(pipeline: "statsd-\(attempt)", queue: "dlq", depth: 3)]
                )
                do {
                    _ = try await intake.ingest(entries, policy: .skipRefused)
                    before = Self.view(intake)
                } catch is StorageError {
                    failures.statsd += 1
                    #expect(Self.view(intake) == before, "nothing of a failed StatsD flush or DLQ poll is in the ledger")
                    #expect(intake.withSettledLedger { $0.queues.queues[QueueKey(pipeline: "statsd-\(attempt)", queue: "dlq")] } == nil)
                }
            }
            #expect(failures.http > 100, "the database filled up")
            #expect(failures.statsd > 100, "the database filled up")

            guard let failedKey else {
                Issue.record("no write failed while the database was full")
                return
            }
            _ = try await store.limitPages(to: 1_000_000)
            // The key of a failed write was not kept either: a new body under it is a new request, not a conflict.
            let receipt = try await intake.ingest(
                body: Self.body([reportJSON("ingest", "passed", count: 4), reportJSON("deliver", "received", count: 4)]),
                idempotencyKey: failedKey
            )
            #expect(!receipt.replayed)
            #expect(intake.withSettledLedger { $0.pipeline(named: "orders")?.stages } == ["ingest", "deliver"])
        }
    }

    @Test func aConflictingOrReplayedRequestRegistersNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (intake, _) = try Self.intake(directory, clock: ManualClock(millis: t0))
        try await withRunning(intake.committer) {
            let first = Self.body([reportJSON("ingest", "received", count: 3)])
            _ = try await intake.ingest(body: first, idempotencyKey: "batch-1")
            // The same key with another body: a conflict, even though this body would add a stage and a pipeline.
            let other = Self.body([reportJSON("enrich", "received"), reportJSON("ingest", "received", pipeline: "billing")])
            await #expect(throws: ReportRejection.self) { try await intake.ingest(body: other, idempotencyKey: "batch-1") }
            let replay = try await intake.ingest(body: first, idempotencyKey: "batch-1")
            #expect(replay.replayed)
            #expect(intake.withSettledLedger { $0.pipelineNames } == ["orders"])
            #expect(intake.withSettledLedger { $0.pipeline(named: "orders")?.stages } == ["ingest"])
            #expect(intake.withSettledLedger { $0.pipeline(named: "orders")?.total.first?.received } == 3)
        }
    }

    @Test func stagesAddedByConcurrentRequestsKeepTheirOrderAfterARestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(millis: t0)
        let (intake, _) = try Self.intake(directory, clock: clock)
        try await withRunning(intake.committer) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for request in 0..<64 {
                    group.addTask {
                        // Each request adds its own stage and one shared with a neighbour, to several pipelines.
                        let reports = [
                            reportJSON("s\(request)", "received", pipeline: "p\(request % 4)"),
                            reportJSON("s\(request + 1)", "passed", pipeline: "p\(request % 4)"),
                            reportJSON("shared", "received", pipeline: "p\((request + 1) % 4)"),
                        ]
                        _ = try await intake.ingest(body: Self.body(reports), idempotencyKey: nil)
                    }
                }
                try await group.waitForAll()
            }
        }
        let inMemory = Self.view(intake)
        let (restarted, _) = try Self.intake(directory, clock: clock)
        #expect(Self.view(restarted) == inMemory, "the restored order of pipelines and stages is the order served before")
        #expect(inMemory.count == 4)
    }

    @Test func skipRefusedLeavesOutOnlyTheRefusedEntriesInOnePass() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = FunnelConfiguration(dataDirectory: directory.path)
        configuration.ledger.maximumSeries = 3
        let store = try FunnelStore(directory: directory.path)
        let intake = try ReportIntake(configuration: configuration, store: store, clock: ManualClock(millis: t0).closure)
        try await withRunning(intake.committer) {
            // A flood of new stages past the series limit, with good entries among them.
            var reports = [StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 7)]
            reports += (0..<5_000).map { StageReport(pipeline: "orders", stage: "flood-\($0)", outcome: .received) }
            reports.append(StageReport(pipeline: "orders", stage: "ingest", outcome: .passed, count: 6))
            let result = try await intake.ingest(IngestEntries(stageReports: reports), policy: .skipRefused)
            #expect(result.outcome == .committed)
            #expect(result.refused.count == 4_998, "two flood stages fit under the limit of three series")
            #expect(result.refused.allSatisfy { $0.rejection.reason == .tooManySeries })
            #expect(result.refused.allSatisfy { $0.rejection.problem.isEmpty }, "nobody reads the words of a skipped entry, so none are built")
            #expect(result.refused.map(\.index) == Array(3...5_000))
            let stages = intake.withSettledLedger { $0.pipeline(named: "orders")?.stages }
            #expect(stages == ["ingest", "flood-0", "flood-1"])
            // The same refusal to a sender that is answered is put in words.
            do {
                _ = try await intake.ingest(IngestEntries(stageReports: [StageReport(pipeline: "orders", stage: "more", outcome: .received)]), policy: .allOrNothing)
                Issue.record("a series past the limit was admitted")
            } catch let rejection as ReportRejection {
                #expect(rejection.description == "reports[0].stage: would add series orders/more beyond the limit of 3 (pipeline, stage) series")
            }
            #expect(intake.withSettledLedger { $0.pipeline(named: "orders")?.total.first } == StageCounts(received: 7, passed: 6))
        }
    }

    @Test func theCommitterWritesWhatIsQueuedOnShutdownAndRefusesWhatComesAfter() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (intake, _) = try Self.intake(directory, clock: ManualClock(millis: t0))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await intake.committer.run() }
                _ = try await intake.ingest(body: Self.body([reportJSON("ingest", "received", count: 2)]), idempotencyKey: nil)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        do {
            _ = try await intake.ingest(body: Self.body([reportJSON("enrich", "received")]), idempotencyKey: nil)
            Issue.record("a stopped committer took a write")
        } catch let error as StorageError {
            #expect(error.reason == .storageUnavailable)
            #expect(error.description.contains("shutting down"), "\(error)")
        }
        #expect(intake.withSettledLedger { $0.pipeline(named: "orders")?.stages } == ["ingest"])
        #expect(intake.ingestCounters.rejected[.storageUnavailable] == 1)
    }
}
