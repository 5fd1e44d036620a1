import FunnelCore
import FunnelServer
import Testing

/// A StatsD line the ledger refuses is counted under the admission's own reason: one name for one refusal, whichever
/// way the entry came in.
@Suite struct StatsDLineRejectionTests {
    @Test(arguments: ReportRejection.admissionReasons)
    func everyAdmissionReasonIsALineResultOfTheSameName(reason: ReportRejection.Reason) {
        #expect(StatsDLineRejection.Reason(rawValue: reason.rawValue) != nil, "no StatsD result \(reason.rawValue)")
    }

    @Test func aLedgerRefusalOfALineIsCountedUnderItsReason() throws {
        var ledger = FunnelLedger(policy: LedgerPolicy(maximumSeries: 1))
        try ledger.ingest([StageReport(pipeline: "orders", stage: "ingest", outcome: .received)], nowMillis: 1_795_688_100_000)
        var accumulator = StatsDAccumulator(parser: StatsDLineParser())
        Array("funnel.events:1|c|#pipeline:orders,stage:enrich,outcome:received\nfunnel.events:2|c|#pipeline:orders,stage:ingest,outcome:passed".utf8).withUnsafeBytes { bytes in
            accumulator.add(bytes) { _, rejection in Issue.record("the parser refused a good line: \(rejection)") }
        }
        let batch = accumulator.drain()
        let admission = try ledger.admit(batch.entries, policy: .skipRefused, nowMillis: 1_795_688_100_000)
        #expect(admission.refused.map(\.rejection.reason) == [.tooManySeries])
        #expect(admission.refused.map { StatsDLineRejection.Reason(admission: $0.rejection.reason) } == [.tooManySeries])
        #expect(admission.batch.eventCount == 2, "the line of the known series still counts")
    }
}
