import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

@Suite struct DurabilityTests {
    @Test func memoryModeWritesNothingToDisk() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FunnelStore(directory: directory.file("data"), durability: .memory)
        let ledger = FunnelLedger()
        let batch = try ledger.admit([StageReport(pipeline: "p", stage: "s", outcome: .received, count: 3)], nowMillis: 1_795_688_100_000)
        #expect(try await store.commit(batch, claim: nil, nowMillis: 1_795_688_100_000) == .committed)
        #expect(!FileManager.default.fileExists(atPath: directory.file("data")))
    }

    @Test func memoryModeKeepsIdempotencyKeysButLeavesCountsToTheLedger() async throws {
        let store = try FunnelStore(directory: "unused", durability: .memory)
        #expect(!store.keepsCounts)
        let ledger = FunnelLedger()
        let now: Int64 = 1_795_688_100_000
        let batch = try ledger.admit([StageReport(pipeline: "p", stage: "s", outcome: .received, count: 2)], nowMillis: now)
        let claim = Array("body".utf8).withUnsafeBytes { IdempotencyClaim(key: "k", body: $0) }
        #expect(try await store.commit(batch, claim: claim, nowMillis: now) == .committed)
        #expect(try await store.lookup(claim) == .replayed(accepted: 1))
        #expect(try store.bucketRowCount() == 0)
    }

    @Test func groupCommitSumsRequestsThatCountTheSameSeriesIntoOneRow() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FunnelStore(directory: directory.path, durability: .full)
        let ledger = FunnelLedger()
        let now: Int64 = 1_795_688_100_000
        let first = try ledger.admit([StageReport(pipeline: "p", stage: "s", outcome: .received, count: 2)], nowMillis: now)
        let second = try ledger.admit([StageReport(pipeline: "p", stage: "s", outcome: .received, count: 5)], nowMillis: now)
        let other = try ledger.admit([StageReport(pipeline: "p", stage: "t", outcome: .passed, count: 1)], nowMillis: now)
        let outcomes = try await store.commit([first, second, other].map { PendingCommit(batch: $0, claim: nil, nowMillis: now) })
        #expect(outcomes == [.committed, .committed, .committed])
        #expect(try store.bucketRowCount() == 2)
        var restored = FunnelLedger()
        try store.restore(into: &restored, nowMillis: now)
        #expect(restored.pipeline(named: "p")?.stages == ["s", "t"])
        #expect(restored.pipeline(named: "p")?.total.map(\.received) == [7, 0])
        #expect(restored.pipeline(named: "p")?.total.map(\.passed) == [0, 1])
    }

    @Test(arguments: [Durability.full, .normal])
    func groupCommitAnswersEachRequestAndDeduplicatesKeysWithinAGroup(durability: Durability) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FunnelStore(directory: directory.path, durability: durability)
        let ledger = FunnelLedger()
        let now: Int64 = 1_795_688_100_000
        let batch = try ledger.admit([StageReport(pipeline: "p", stage: "s", outcome: .received, count: 2)], nowMillis: now)
        let body: [UInt8] = Array("same".utf8)
        let claim = body.withUnsafeBytes { IdempotencyClaim(key: "k", body: $0) }
        let other = Array("other".utf8).withUnsafeBytes { IdempotencyClaim(key: "k", body: $0) }
        let outcomes = try await store.commit([
            PendingCommit(batch: batch, claim: claim, nowMillis: now),
            PendingCommit(batch: batch, claim: claim, nowMillis: now),
            PendingCommit(batch: batch, claim: other, nowMillis: now),
            PendingCommit(batch: batch, claim: nil, nowMillis: now),
        ])
        #expect(outcomes == [.committed, .replayed(accepted: 1), .conflict, .committed])
        var restored = FunnelLedger()
        try store.restore(into: &restored, nowMillis: now)
        #expect(restored.pipeline(named: "p")?.total.first?.received == 4)
    }

    @Test func durabilityIsConfigurable() throws {
        #expect(try FunnelConfiguration(yaml: "durability: normal").durability == .normal)
        #expect(FunnelConfiguration().durability == .full)
        #expect(throws: ConfigurationError.self) { try FunnelConfiguration(yaml: "durability: maybe") }
    }
}
