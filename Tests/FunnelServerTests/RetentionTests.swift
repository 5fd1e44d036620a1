import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

@Suite struct RetentionTests {
    /// Three hours of steady reports with a one-hour retention: stored rows stay bounded, totals survive pruning and restarts.
    @Test func retentionBoundsStoredBucketsAndKeepsTotals() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = FunnelConfiguration(dataDirectory: directory.path)
        configuration.ledger.retentionSeconds = 3600
        let clock = ManualClock(millis: t0)
        let store = try FunnelStore(directory: directory.path)
        let intake = try ReportIntake(configuration: configuration, store: store, clock: clock.closure)
        var rowCounts: [Int] = []
        try await withRunning(intake.committer) {
            for _ in 0..<180 {
                let event = EventTimestamp.formatRFC3339(millis: clock.now)
                let body = #"[{"pipeline":"p","stage":"a","outcome":"received","count":10,"event_time":"\#(event)"},{"pipeline":"p","stage":"a","outcome":"passed","count":9,"event_time":"\#(event)"}]"#
                _ = try await intake.ingest(body: Array(body.utf8), idempotencyKey: nil)
                clock.advance(byMillis: minute)
                try await intake.settleAndPrune()
                rowCounts.append(try store.bucketRowCount())
            }
        }
        // At most retention (60 buckets) plus the unsettled ones, times two outcomes.
        #expect(rowCounts.max()! <= 2 * (60 + 7))
        #expect(rowCounts.suffix(60).allSatisfy { $0 == rowCounts.last })
        let totals = intake.withSettledLedger { $0.pipeline(named: "p")!.total[0] }
        #expect(totals == StageCounts(received: 1800, passed: 1620))

        let restarted = try ReportIntake(configuration: configuration, store: try FunnelStore(directory: directory.path), clock: clock.closure)
        let restored = restarted.withSettledLedger { ($0.pipeline(named: "p")!.total[0], $0.pipeline(named: "p")!.settled[0]) }
        #expect(restored.0 == totals)
        #expect(restored.1.received == intake.withSettledLedger { $0.pipeline(named: "p")!.settled[0].received })
        let loss = restarted.withSettledLedger { $0.funnel(pipeline: "p")?.stages.first?.lost }
        #expect(loss.map { $0 > 0 && $0 <= 60 } == true, "loss within retention only: \(String(describing: loss))")
    }
}
