import Foundation
import FunnelArtifacts
import FunnelCore
import Testing

@Suite struct ComparisonArtifactTests {
    static let migration = Comparison(name: "orders-migration", baseline: "orders-v1", candidate: "orders-v2")

    static func panels(_ text: String) throws -> [[String: Any]] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try #require(json["panels"] as? [[String: Any]])
    }

    @Test func eachComparisonGetsARowOfBothRatiosAndTheBackfillBelowEveryPanel() throws {
        let generic = try Self.panels(DashboardGenerator().render())
        let second = Comparison(name: "billing-rewrite", baseline: "billing", candidate: "billing-next")
        let panels = try Self.panels(DashboardGenerator(comparisons: [Self.migration, second]).render())
        #expect(panels.count == generic.count + 6)
        let added = Array(panels.suffix(6))
        #expect(added.map { $0["type"] as? String } == ["row", "timeseries", "timeseries", "row", "timeseries", "timeseries"])
        #expect(added.first?["title"] as? String == "Comparison orders-migration: orders-v1 (baseline) against orders-v2 (candidate)")
        let expressions = added.prefix(3).flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(expressions == [
            #"funnel_comparison_delivery_ratio{comparison="orders-migration"}"#,
            #"funnel_comparison_backfill_events{comparison="orders-migration"}"#,
            #"funnel_comparison_input_mismatch_events{comparison="orders-migration"}"#,
        ])
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(Set(ids).count == ids.count, "panel ids are unique")
        let genericBottom = generic.compactMap { panel -> Int? in
            guard let grid = panel["gridPos"] as? [String: Int] else { return nil }
            return (grid["y"] ?? 0) + (grid["h"] ?? 0)
        }.max()
        #expect((added.first?["gridPos"] as? [String: Int])?["y"] == genericBottom)
        #expect((added[3]["gridPos"] as? [String: Int])?["y"] == (genericBottom ?? 0) + 9)
    }

    @Test func withoutComparisonsTheDashboardIsTheGenericOne() {
        #expect(DashboardGenerator(comparisons: []).render() == DashboardGenerator().render())
    }

    @Test func theRuleFileRecordsTheShortfallAndTheBackfill() {
        let rules = RuleFileGenerator().render()
        #expect(rules.contains("- record: funnel:comparison_candidate_delivery_shortfall\n"))
        #expect(rules.contains("- record: funnel:comparison_backfill_events:delta1h\n"))
        #expect(rules.contains("  - name: funnel-alerts\n"))
    }
}
