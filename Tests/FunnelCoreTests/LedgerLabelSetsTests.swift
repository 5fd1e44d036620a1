import FunnelCore
import Testing

/// Series labels are rendered once and reused scrape after scrape, and never once the series changed.
@Suite struct LedgerLabelSetsTests {
    private static let now: Int64 = 1_795_688_100_000

    private static func exposition(_ families: LedgerFamilies) -> String {
        var writer = ExpositionWriter(format: .prometheusText)
        families.emit(into: &writer)
        return String(decoding: writer.finish(), as: UTF8.self)
    }

    @Test func keptLabelsWriteTheSameBytesAsNewOnesAndAreKeptWhileTheSeriesStay() throws {
        var ledger = FunnelLedger()
        try ledger.ingest([StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 3),
                           StageReport(pipeline: "orders", stage: "deliver", outcome: .passed, count: 2)], nowMillis: Self.now)
        let kept = LedgerLabelSets(ledger)
        try ledger.ingest([StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 5)], nowMillis: Self.now)
        #expect(kept.fits(ledger), "more counts, same series: the labels still fit")
        #expect(Self.exposition(LedgerFamilies(ledger, labels: kept)) == Self.exposition(LedgerFamilies(ledger)))
    }

    @Test func aNewStageOrPipelineRendersTheLabelsAnew() throws {
        var ledger = FunnelLedger()
        try ledger.ingest([StageReport(pipeline: "orders", stage: "ingest", outcome: .received)], nowMillis: Self.now)
        let kept = LedgerLabelSets(ledger)
        try ledger.ingest([StageReport(pipeline: "orders", stage: "enrich", outcome: .received)], nowMillis: Self.now)
        #expect(!kept.fits(ledger))
        let text = Self.exposition(LedgerFamilies(ledger, labels: kept))
        #expect(text == Self.exposition(LedgerFamilies(ledger)), "stale labels are never written")
        #expect(text.contains(#"funnel_transit_lost_events{pipeline="orders",from_stage="ingest",to_stage="enrich"} 0"#))
        try ledger.ingest([StageReport(pipeline: "billing", stage: "ingest", outcome: .received)], nowMillis: Self.now)
        #expect(!LedgerLabelSets(FunnelLedger()).fits(ledger))
        #expect(Self.exposition(LedgerFamilies(ledger, labels: kept)).contains(#"funnel_stage_position{pipeline="billing",stage="ingest"} 0"#))
    }
}
