import FunnelCore
import Testing

/// 2026-11-26T10:00:00Z, the start of an hour.
private let hour0: Int64 = 1_795_687_200_000
private let minute: Int64 = 60_000
private let hour = 60 * minute

private func report(_ stage: String, _ outcome: Outcome, _ count: UInt64, at millis: Int64) -> StageReport {
    StageReport(pipeline: "orders", stage: stage, outcome: outcome, count: count, eventTimeMillis: millis)
}

/// An hour of traffic: 1,000 events in each minute, of which the last stage delivers `delivered`.
private func hourOfTraffic(delivered: UInt64, deadLettered: UInt64 = 0) -> [StageReport] {
    (0..<60).flatMap { offset -> [StageReport] in
        let at = hour0 + Int64(offset) * minute
        return [
            report("ingest", .received, 1000, at: at), report("ingest", .passed, 1000, at: at),
            report("deliver", .received, 1000, at: at), report("deliver", .passed, delivered, at: at),
            report("deliver", .deadLettered, deadLettered, at: at),
        ].filter { $0.count > 0 }
    }
}

private func ledger(with reports: [StageReport], now: Int64) throws -> FunnelLedger {
    var ledger = FunnelLedger(policy: LedgerPolicy(pipelines: [PipelineDefinition(name: "orders", stages: ["ingest", "deliver"])]))
    let batch = try ledger.admit(reports, nowMillis: now)
    ledger.apply(batch, nowMillis: now)
    ledger.settle(nowMillis: now)
    return ledger
}

@Suite struct CompletenessTests {
    @Test func anHourIsNotCompleteUntilItsLastBucketSettles() throws {
        // 10:30: half the hour has not happened, so half its buckets are unsettled though they hold no counts.
        var now = hour0 + 30 * minute
        var answer = try ledger(with: hourOfTraffic(delivered: 1000), now: now).completeness(pipeline: "orders", fromMillis: hour0, toMillis: hour0 + hour, threshold: 0.999)
        #expect(!answer.complete)
        #expect(!answer.settled)
        // Buckets 10:00-10:24 have settled (end + 5 minutes <= 10:30); 10:25 to 10:59 have not.
        #expect(answer.unsettledBuckets == 35)
        #expect(answer.ingested == 25_000)
        #expect(answer.delivered == 25_000)

        // 11:05: the 10:59 bucket ended at 11:00 and settles at 11:05.
        now = hour0 + hour + 5 * minute
        answer = try ledger(with: hourOfTraffic(delivered: 1000), now: now).completeness(pipeline: "orders", fromMillis: hour0, toMillis: hour0 + hour, threshold: 0.999)
        #expect(answer.complete)
        #expect(answer.settled)
        #expect(answer.unsettledBuckets == 0)
        #expect(answer.ingested == 60_000)
        #expect(answer.delivered == 60_000)
        #expect(answer.ratio == 1.0)
        #expect(answer.from == "2026-11-26T10:00:00Z")
        #expect(answer.to == "2026-11-26T11:00:00Z")

        answer = try ledger(with: hourOfTraffic(delivered: 1000), now: now - 1).completeness(pipeline: "orders", fromMillis: hour0, toMillis: hour0 + hour, threshold: 0.999)
        #expect(answer.unsettledBuckets == 1)
        #expect(!answer.complete)
    }

    @Test func theThresholdIsMetAtItsEdgeAndMissedJustBelowIt() throws {
        let now = hour0 + 2 * hour
        // 999 of 1,000 delivered: exactly 0.999.
        let atEdge = try ledger(with: hourOfTraffic(delivered: 999), now: now)
        #expect(try atEdge.completeness(pipeline: "orders", fromMillis: hour0, toMillis: hour0 + hour, threshold: 0.999).complete)
        let justAbove = try atEdge.completeness(pipeline: "orders", fromMillis: hour0, toMillis: hour0 + hour, threshold: 0.9991)
        #expect(!justAbove.complete)
        #expect(justAbove.settled)
        #expect(justAbove.ratio == 0.999)
        #expect(justAbove.netMissing == 60)
        #expect(justAbove.threshold == 0.9991)
    }

    @Test func deadLetteredEventsAreRecoverableNotDelivered() throws {
        let answer = try ledger(with: hourOfTraffic(delivered: 990, deadLettered: 10), now: hour0 + 2 * hour)
            .completeness(pipeline: "orders", fromMillis: hour0, toMillis: hour0 + hour, threshold: 0.999)
        #expect(!answer.complete)
        #expect(answer.recoverable == 600)
        #expect(answer.netMissing == 0)
        #expect(answer.ratio == 0.99)
    }

    @Test func aSettledRangeThatIngestedNothingIsComplete() throws {
        let answer = try ledger(with: hourOfTraffic(delivered: 1000), now: hour0 + 4 * hour)
            .completeness(pipeline: "orders", fromMillis: hour0 + 2 * hour, toMillis: hour0 + 3 * hour, threshold: 0.999)
        #expect(answer.complete)
        #expect(answer.ingested == 0)
        #expect(answer.ratio == nil)
    }

    @Test func aRangeCountsTheBucketsThatStartInIt() throws {
        // [10:00:30, 10:02:30) holds the buckets starting 10:01 and 10:02.
        let answer = try ledger(with: hourOfTraffic(delivered: 1000), now: hour0 + 2 * hour)
            .completeness(pipeline: "orders", fromMillis: hour0 + 30_000, toMillis: hour0 + 2 * minute + 30_000, threshold: 0.999)
        #expect(answer.ingested == 2000)
    }

    @Test func rangesBeforeTheRetentionAndUnknownPipelinesCannotBeAnswered() throws {
        let now = hour0 + 73 * hour
        let ledger = try ledger(with: [report("ingest", .received, 1, at: now - minute)], now: now)
        #expect(throws: CompletenessError.unknownPipeline("billing")) {
            try ledger.completeness(pipeline: "billing", fromMillis: hour0, toMillis: hour0 + hour, threshold: 0.999)
        }
        do {
            _ = try ledger.completeness(pipeline: "orders", fromMillis: hour0, toMillis: hour0 + hour, threshold: 0.999)
            Issue.record("a range 73 hours back was answered with a 72-hour retention")
        } catch {
            #expect(error == .beforeRetention(earliest: "2026-11-26T11:00:00Z", retentionSeconds: 72 * 3600))
            #expect(error.description.contains("the earliest answerable from is 2026-11-26T11:00:00Z"))
        }
        #expect(try ledger.completeness(pipeline: "orders", fromMillis: hour0 + hour, toMillis: hour0 + 2 * hour, threshold: 0.999).complete)
    }
}
