import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

private func labelled(_ stage: String, _ outcome: String, _ count: Int, tenant: String?, version: String? = nil, at millis: Int64 = t0) -> String {
    var labels: [String] = []
    if let tenant { labels.append(#""tenant":"\#(tenant)""#) }
    if let version { labels.append(#""version":"\#(version)""#) }
    let time = EventTimestamp.formatRFC3339(millis: millis)
    return #"{"pipeline":"events","stage":"\#(stage)","outcome":"\#(outcome)","count":\#(count),"event_time":"\#(time)","labels":{\#(labels.joined(separator: ","))}}"#
}

/// Per-tenant funnels through the real router, SQLite, a restart and `/metrics`.
@Suite struct LabelAPITests {
    static func configuration(maximumLabelValues: Int = 1000) -> FunnelConfiguration {
        var configuration = FunnelConfiguration()
        configuration.ledger.pipelines = [PipelineDefinition(name: "events", stages: ["ingest", "deliver"], labels: ["tenant", "version"])]
        configuration.ledger.maximumLabelValues = maximumLabelValues
        return configuration
    }

    /// acme loses 30 of 100, globex 5 of 50, initech none of 20; one report carries no labels.
    static let reports = "[" + [
        labelled("ingest", "received", 100, tenant: "acme", version: "2.4.1"), labelled("ingest", "passed", 100, tenant: "acme", version: "2.4.1"),
        labelled("deliver", "received", 100, tenant: "acme", version: "2.4.1"), labelled("deliver", "passed", 70, tenant: "acme", version: "2.4.1"),
        labelled("ingest", "received", 50, tenant: "globex", version: "2.4.0"), labelled("ingest", "passed", 50, tenant: "globex", version: "2.4.0"),
        labelled("deliver", "received", 45, tenant: "globex", version: "2.4.0"), labelled("deliver", "passed", 45, tenant: "globex", version: "2.4.0"),
        labelled("ingest", "received", 20, tenant: "initech"), labelled("ingest", "passed", 20, tenant: "initech"),
        labelled("deliver", "received", 20, tenant: "initech"), labelled("deliver", "passed", 20, tenant: "initech"),
        labelled("ingest", "received", 3, tenant: nil),
    ].joined(separator: ",") + "]"

    @Test func groupsByTenantSurviveARestartInTheirOrder() async throws {
        let fixture = try ServerFixture(configuration: Self.configuration())
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let posted = try await client.postReports(Self.reports)
            #expect(posted.status == 202)
        }
        fixture.clock.advance(byMillis: 10 * minute)
        try await fixture.withClient { client in
            let grouped = try await client.getJSON("/api/v1/funnel?pipeline=events&by=tenant")
            #expect(grouped.status == 200)
            #expect(grouped.json["by"] as? String == "tenant")
            let groups = try #require(grouped.json["groups"] as? [[String: Any]])
            #expect(groups.map { $0["value"] as? String } == ["acme", "globex", "", "initech"])
            #expect(groups.map { ($0["totals"] as? [String: Any])?["lost"] as? Int } == [30, 5, 3, 0])
            let acmeStages = try #require(groups[0]["stages"] as? [[String: Any]])
            #expect(acmeStages.map { $0["lost"] as? Int } == [0, 30])
            let globexTransit = try #require(groups[1]["transit"] as? [[String: Any]])
            #expect(globexTransit.first?["lost"] as? Int == 5)

            let limited = try await client.getJSON("/api/v1/funnel?pipeline=events&by=tenant&limit=1&detail=buckets")
            let first = try #require((limited.json["groups"] as? [[String: Any]])?.first)
            #expect((limited.json["groups"] as? [[String: Any]])?.count == 1)
            #expect(limited.json["group_count"] as? Int == 4)
            #expect((first["buckets"] as? [[String: Any]])?.count == 1)

            let acme = try await client.getJSON("/api/v1/funnel?pipeline=events&label=tenant:acme&label=version:2.4.1")
            #expect((acme.json["totals"] as? [String: Any])?["lost"] as? Int == 30)
            #expect(acme.json["labels"] as? [String: String] == ["tenant": "acme", "version": "2.4.1"])
            let byVersion = try await client.getJSON("/api/v1/funnel?pipeline=events&by=version&label=tenant:globex")
            #expect((byVersion.json["groups"] as? [[String: Any]])?.map { $0["value"] as? String } == ["2.4.0"])

            let whole = try await client.getJSON("/api/v1/funnel?pipeline=events")
            #expect((whole.json["totals"] as? [String: Any])?["lost"] as? Int == 38)

            let (text, _) = try await client.metrics()
            #expect(text.contains(#"funnel_stage_settled_events_total{pipeline="events",tenant="acme",version="2.4.1",stage="deliver",outcome="passed"} 70"#))
            #expect(text.contains(#"funnel_stage_events_total{pipeline="events",tenant="initech",stage="ingest",outcome="received"} 20"#))
            #expect(text.contains(#"funnel_stage_events_total{pipeline="events",stage="ingest",outcome="received"} 3"#))
            #expect(try await client.metricValue(#"funnel_label_lost_events{pipeline="events",label="tenant",value="acme"}"#) == 30)
            #expect(try await client.metricValue(#"funnel_label_lost_events{pipeline="events",label="version",value="2.4.0"}"#) == 5)
            #expect(try await client.metricValue(#"funnel_label_lost_events{pipeline="events",label="tenant",value="initech"}"#) == nil)
            #expect(try await client.metricValue(#"funnel_label_values{pipeline="events",label="tenant"}"#) == 3)
            #expect(try await client.metricValue(#"funnel_stage_lost_events{pipeline="events",stage="deliver"}"#) == 30)
        }
    }

    @Test func unknownLabelsAreRefusedNamingThemAndCounted() async throws {
        let fixture = try ServerFixture(configuration: Self.configuration())
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let refused = try await client.postReports(#"{"pipeline":"events","stage":"ingest","outcome":"received","labels":{"region":"eu"}}"#)
            #expect(refused.status == 400)
            #expect(refused.json["reason"] as? String == "unknown_label")
            #expect(refused.json["field"] as? String == "labels.region")
            #expect(try await client.metricValue(#"funnel_ingest_rejected_total{reason="unknown_label"}"#) == 1)
            let byRegion = try await client.getJSON("/api/v1/funnel?pipeline=events&by=region")
            #expect(byRegion.status == 400)
            #expect(byRegion.json["field"] as? String == "by")
            let badFilter = try await client.getJSON("/api/v1/funnel?pipeline=events&label=tenant")
            #expect(badFilter.status == 400)
            #expect(badFilter.json["field"] as? String == "label")
            let badLimit = try await client.getJSON("/api/v1/funnel?pipeline=events&by=tenant&limit=0")
            #expect(badLimit.json["field"] as? String == "limit")
            #expect(try await client.getJSON("/api/v1/funnel?pipeline=nope&by=tenant").status == 404)
        }
    }

    @Test func theGuardIsVisibleInMetricsAndTheAggregateStaysExact() async throws {
        let fixture = try ServerFixture(configuration: Self.configuration(maximumLabelValues: 2))
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            #expect(try await client.postReports(Self.reports).status == 202)
            #expect(try await client.metricValue(#"funnel_label_overflow_events_total{pipeline="events",label="tenant"}"#) == 80)
            let grouped = try await client.getJSON("/api/v1/funnel?pipeline=events&by=tenant")
            #expect((grouped.json["groups"] as? [[String: Any]])?.map { $0["value"] as? String } == ["acme", "globex", "__other__", ""], "unsettled: no loss yet, so in order of discovery")
            let whole = try await client.getJSON("/api/v1/funnel?pipeline=events")
            #expect(((whole.json["stages"] as? [[String: Any]])?.first)?["received"] as? Int == 173)
        }
    }
}
