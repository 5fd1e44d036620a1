import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// The comparison configuration of the scenario, with its pipelines declared in stage order.
private let scenarioYAML = """
    pipelines:
      - name: orders-v1
        stages: [ingest, enrich, deliver]
      - name: orders-v2
        stages: [ingest, deliver]
    comparisons:
      - name: orders-migration
        baseline: orders-v1
        candidate: orders-v2

    """

private func scenarioConfiguration() throws -> FunnelConfiguration {
    try FunnelConfiguration(yaml: scenarioYAML)
}

@Suite struct ComparisonAPITests {
    @Test func theListNamesEachComparisonsPipelines() async throws {
        let fixture = try ServerFixture(configuration: try scenarioConfiguration())
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let reply = try await client.getJSON("/api/v1/comparisons")
            #expect(reply.status == 200)
            let list = try #require(reply.json["comparisons"] as? [[String: Any]])
            #expect(list.map { $0["name"] as? String } == ["orders-migration"])
            #expect(list.first?["baseline"] as? String == "orders-v1")
            #expect(list.first?["candidate"] as? String == "orders-v2")
        }
    }

    @Test func theScenarioOverHTTPGivesItsKnownNumbers() async throws {
        let fixture = try ServerFixture(configuration: try scenarioConfiguration(), now: t0 + 7 * minute)
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            #expect(try await client.postReports(ComparisonScenarioReports.body(t0: t0, brokenDuplication: true)).status == 202)
            fixture.clock.advance(byMillis: 5 * minute)
            let reply = try await client.getJSON("/api/v1/comparisons/orders-migration?detail=buckets")
            #expect(reply.status == 200)
            let baseline = try #require(reply.json["baseline"] as? [String: Any])
            let candidate = try #require(reply.json["candidate"] as? [String: Any])
            #expect(baseline["ingested"] as? Int == 6000)
            #expect(baseline["delivered"] as? Int == 5600)
            #expect(baseline["lost"] as? Int == 400)
            #expect(baseline["net_missing"] as? Int == 400)
            #expect(candidate["ingested"] as? Int == 5990)
            #expect(candidate["delivered"] as? Int == 5989)
            #expect(reply.json["input_mismatch"] as? Int == 10)
            #expect(reply.json["backfill_events"] as? Int == 399)
            let verdict = try #require(reply.json["verdict"] as? [String: Any])
            #expect(verdict["outcome"] as? String == "candidate_better")
            #expect(verdict["input_matched"] as? Bool == false)
            #expect(abs((verdict["baseline_delivery_ratio"] as? Double ?? 0) - 5600.0 / 6000) < 1e-12)
            let buckets = try #require(reply.json["buckets"] as? [[String: Any]])
            #expect(buckets.map { $0["backfill"] as? Int } == [0, 150, 199, 0, 50, 0])
            #expect(buckets.map { ($0["baseline"] as? [String: Any])?["delivered"] as? Int } == [1000, 850, 800, 1000, 950, 1000])
            let windows = try #require(reply.json["backfill_windows"] as? [[String: Any]])
            #expect(windows.map { $0["events"] as? Int } == [349, 50])
            #expect(windows.first?["from"] as? String == EventTimestamp.formatRFC3339(millis: t0 + minute))

            let ranged = try await client.getJSON("/api/v1/comparisons/orders-migration?from=\(EventTimestamp.formatRFC3339(millis: t0 + 4 * minute))")
            #expect(ranged.json["backfill_events"] as? Int == 50)
            #expect(ranged.json["buckets"] == nil)

            #expect(try await client.metricValue(#"funnel_comparison_backfill_events{comparison="orders-migration"}"#) == 399)
            #expect(try await client.metricValue(#"funnel_comparison_input_mismatch_events{comparison="orders-migration"}"#) == 10)
            #expect(try await client.metricValue(#"funnel_comparison_delivery_ratio{comparison="orders-migration",side="candidate"}"#) == 5989.0 / 5990)
        }
    }

    @Test func eachInputMismatchAlarmWindowHasItsOwnMismatchSeries() async throws {
        let yaml = scenarioYAML + """
            alarms:
              - {name: input-hour, kind: comparison, comparison: orders-migration, input_mismatch_above: 5, window: 1h}
              - {name: input-recent, kind: comparison, comparison: orders-migration, input_mismatch_above: 5, window: 2m}
              - {name: input-hour-again, kind: comparison, comparison: orders-migration, input_mismatch_above: 50, window: 1h}
              - {name: gap, kind: comparison, comparison: orders-migration, below_baseline_by: 0.01, window: 5m}
            """
        let fixture = try ServerFixture(configuration: try FunnelConfiguration(yaml: yaml), now: t0 + 7 * minute)
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            #expect(try await client.postReports(ComparisonScenarioReports.body(t0: t0, brokenDuplication: true)).status == 202)
            fixture.clock.advance(byMillis: 5 * minute)
            let family = "funnel_comparison_window_input_mismatch_events"
            #expect(try await client.metricValue(family + #"{comparison="orders-migration",window="1h"}"#) == 10, "the broken minute 3 is in the hour")
            #expect(try await client.metricValue(family + #"{comparison="orders-migration",window="2m"}"#) == 0, "the last two minutes matched")
            let series = try await client.metrics().text.split(separator: "\n").filter { $0.hasPrefix(family + "{") }
            #expect(series.count == 2, "one series per distinct window of an input_mismatch_above alarm: \(series)")
        }
    }

    @Test(arguments: [
        ("/api/v1/comparisons/nope", 404, "name"),
        ("/api/v1/comparisons/orders-migration?from=tuesday", 400, "from"),
        ("/api/v1/comparisons/orders-migration?to=later", 400, "to"),
        ("/api/v1/comparisons/orders-migration?from=200&to=100", 400, "from"),
        ("/api/v1/comparisons/orders-migration?detail=everything", 400, "detail"),
    ])
    func badQueriesGetAJSONErrorNamingTheField(uri: String, status: Int, field: String) async throws {
        let fixture = try ServerFixture(configuration: try scenarioConfiguration())
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let reply = try await client.getJSON(uri)
            #expect(reply.status == status)
            #expect(reply.json["field"] as? String == field)
            #expect(reply.json["error"] as? String != nil)
        }
    }

    @Test func aReloadAddsAComparisonWithoutARestart() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        var reloaded = try scenarioConfiguration()
        reloaded.dataDirectory = fixture.configuration.dataDirectory
        reloaded.listenPort = 0
        let next = reloaded
        var logger = Logger(label: "funnel-test")
        logger.logLevel = .warning
        let app = try buildApplication(configuration: fixture.configuration, logger: logger, clock: fixture.clock.closure, reloadConfiguration: { next })
        try await app.test(.live) { client in
            #expect(try await client.getJSON("/api/v1/comparisons/orders-migration").status == 404)
            let status = try await client.execute(uri: "/-/reload", method: .post) { Int($0.status.code) }
            #expect(status == 200)
            #expect(try await client.getJSON("/api/v1/comparisons/orders-migration").status == 200)
            let list = try await client.getJSON("/api/v1/comparisons").json["comparisons"] as? [[String: Any]]
            #expect(list?.map { $0["name"] as? String } == ["orders-migration"])
        }
    }
}
