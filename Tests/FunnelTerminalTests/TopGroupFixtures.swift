import FunnelCore
import FunnelTerminal

/// An `events` pipeline with `labels: [tenant, version]`, counted by the real ledger: acme loses 40 at `enrich` on
/// version 2.4.1, globex 12 between `enrich` and `deliver`, initech and the reports without a tenant lose nothing,
/// and with `limits.max_label_values: 3` (the empty value does not count against it) the fourth and fifth tenants
/// count under `__other__` (6 lost there).
enum TopGroupFixtures {
    /// 2026-11-26T10:15:00Z, the start of a one-minute bucket.
    static let t0: Int64 = 1_795_688_100_000

    static func ledger() throws -> FunnelLedger {
        var policy = LedgerPolicy(pipelines: [PipelineDefinition(name: "events", stages: ["ingest", "enrich", "deliver"], labels: ["tenant", "version"])])
        policy.maximumLabelValues = 3
        var ledger = FunnelLedger(policy: policy)
        let tenants: [(tenant: String?, version: String, enrichLost: UInt64, transitLost: UInt64)] = [
            ("initech", "2.4.0", 0, 0), ("acme", "2.4.1", 40, 0), ("globex", "2.4.0", 0, 12), (nil, "2.4.0", 0, 0),
            ("umbrella", "2.4.1", 4, 0), ("hooli", "2.4.1", 2, 0),
        ]
        var reports: [StageReport] = []
        for (tenant, version, enrichLost, transitLost) in tenants {
            var labels = ["version": version]
            if let tenant { labels["tenant"] = tenant }
            let counts: [(String, Outcome, UInt64)] = [
                ("ingest", .received, 1000), ("ingest", .passed, 1000), ("enrich", .received, 1000), ("enrich", .passed, 1000 - enrichLost),
                ("deliver", .received, 1000 - enrichLost - transitLost), ("deliver", .passed, 1000 - enrichLost - transitLost),
            ]
            for (stage, outcome, count) in counts {
                reports.append(StageReport(pipeline: "events", stage: stage, outcome: outcome, count: count, eventTimeMillis: t0 + 1000, labels: labels))
            }
        }
        _ = try ledger.ingest(reports, nowMillis: t0 + 60_000)
        ledger.settle(nowMillis: t0 + 12 * 60_000)
        return ledger
    }

    static func snapshot(label: String = "tenant", limit: Int? = nil, tableOffset: Int = 0) throws -> TopSnapshot {
        let ledger = try self.ledger()
        guard let funnel = ledger.funnel(pipeline: "events") else { throw TopFixtures.FixtureError.noFunnel }
        return TopSnapshot(
            server: "http://127.0.0.1:9470", pipelines: ["events", "orders"], selectedPipeline: "events", window: .fiveMinutes, refreshSeconds: 1,
            funnel: funnel, connection: .live(dataAgeSeconds: 0.4), nowMillis: t0 + 12 * 60_000, tableOffset: tableOffset,
            labels: ["tenant", "version"], label: label, grouped: try ledger.groupedFunnel(pipeline: "events", by: label, limit: limit)
        )
    }
}
