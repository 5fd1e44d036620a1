import Foundation
import FunnelTesting
import Testing

/// `funnel generate rules` for the alarm kinds without a generic threshold (stalled, dlq_growth, dlq_source_down,
/// watermark_lag, comparison): each alert, run by `promtool test rules`, fires when its alarm would and not before,
/// with the alarm's labels, `for` and runbook.
@Suite struct AlarmAlertRulesTests {
    static let config = """
        pipelines:
          - name: orders
            stages: [ingest, process, deliver]
          - name: orders-v2
            stages: [read, write]
        dlq_sources:
          - {name: orders-redis, kind: redis, pipeline: orders, queue: orders-dlq, url: "redis://127.0.0.1:6379", key: dlq}
        comparisons:
          - name: migration
            baseline: orders
            candidate: orders-v2
        alarms:
          - name: process-stalled
            kind: stalled
            pipeline: orders
            stage: process
            window: 10m
            for: 1m
            labels: {severity: page, team: orders}
            annotations: {runbook_url: "https://wiki.example.com/stalled"}
          - name: process-dead-letters
            kind: dlq_growth
            pipeline: orders
            stage: process
            above: 5
            window: 5m
            for: 2m
            labels: {team: orders}
          - name: orders-dead-letters
            kind: dlq_growth
            pipeline: orders
            above: 50
          - name: redis-down
            kind: dlq_source_down
            pipeline: orders
            queue: orders-dlq
            for: 3m
          - name: deliver-watermark
            kind: watermark_lag
            pipeline: orders
            stage: deliver
            above: 10m
          - name: orders-watermark
            kind: watermark_lag
            pipeline: orders
            above: 30m
            for: 1m
          - name: migration-gap
            kind: comparison
            comparison: migration
            below_baseline_by: 0.05
            window: 30m
          - name: migration-input
            kind: comparison
            comparison: migration
            input_mismatch_above: 100
        """

    /// An alert promtool expects: its labels as a flow mapping, then its annotations.
    static func alert(_ labels: String, summary: String, description: String, runbook: String) -> String {
        """
                  - exp_labels: {\(labels)}
                    exp_annotations:
                      summary: "\(summary)"
                      description: "\(description)"
                      runbook_url: \(runbook)

        """
    }

    static let runbooks = "https://runbooks.example.com/funnel#"

    /// The alert the `redis-down` alarm becomes while orders-redis fails.
    static let redisDown = alert(
        "severity: ticket, source: orders-redis, kind: redis, pipeline: orders, queue: orders-dlq, alarm: redis-down",
        summary: "Funnel cannot read dead-letter queue orders-dlq of pipeline orders (orders-redis)",
        description: "The last poll of redis source orders-redis failed, so the depth of dead-letter queue orders-dlq of pipeline orders is no longer current. GET /api/v1/dlq/sources shows the last error.",
        runbook: runbooks + "funneldlqsourcedown"
    )

    /// Six scenarios on two shards, each with a time its alert must not fire and one it must; a source with a
    /// `dlq_source_down` alarm of its own fires that alarm's alert only, not also the generic one.
    static let unitTests = """
        rule_files:
          - rules.yml

        evaluation_interval: 1m

        tests:
          - name: a stage that stops receiving while the one before passes events on stalls
            interval: 1m
            input_series:
              - series: funnel_stage_events_total{instance="shard-a", pipeline="orders", stage="ingest", outcome="passed"}
                values: 0+10x60
              - series: funnel_stage_events_total{instance="shard-a", pipeline="orders", stage="process", outcome="received"}
                values: 0+10x20 200x40
              - series: funnel_transit_lost_events{instance="shard-a", pipeline="orders", from_stage="ingest", to_stage="process"}
                values: 0x60
            alert_rule_test:
              - eval_time: 25m
                alertname: FunnelStageStalled
                exp_alerts: []
              - eval_time: 40m
                alertname: FunnelStageStalled
                exp_alerts:
        \(alert(
            "severity: page, pipeline: orders, stage: process, alarm: process-stalled, team: orders", summary: "Stage process of pipeline orders has stalled",
            description: "ingest passed on 100 events over the last 10m, but the next stage process of pipeline orders has received none.",
            runbook: "https://wiki.example.com/stalled"))
          - name: dead-lettering faster than the threshold a minute, of a stage and of the whole pipeline
            interval: 15s
            input_series:
              - series: funnel_stage_events_total{instance="shard-a", pipeline="orders", stage="process", outcome="dead_lettered"}
                values: 0x40 0+2.5x200
              - series: funnel_stage_events_total{instance="shard-a", pipeline="orders", stage="ingest", outcome="dead_lettered"}
                values: 0+11.25x240
            alert_rule_test:
              - eval_time: 9m
                alertname: FunnelDeadLetteringHigh
                exp_alerts: []
              - eval_time: 20m
                alertname: FunnelDeadLetteringHigh
                exp_alerts:
        \(alert(
            "severity: warning, pipeline: orders, alarm: orders-dead-letters", summary: "Pipeline orders dead-letters 55 events a minute",
            description: "Over the last 1m, pipeline orders dead-lettered 55 events a minute (threshold 50). They are not delivered until they are redriven.",
            runbook: runbooks + "funneldeadletteringhigh"))\
        \(alert(
            "severity: warning, pipeline: orders, stage: process, alarm: process-dead-letters, team: orders",
            summary: "Stage process of pipeline orders dead-letters 10 events a minute",
            description: "Over the last 5m, stage process of pipeline orders dead-lettered 10 events a minute (threshold 5). They are not delivered until they are redriven.",
            runbook: runbooks + "funneldeadletteringhigh"))
          - name: dead-letter sources whose polls fail, one with an alarm of its own and one without
            interval: 1m
            input_series:
              - series: funnel_dlq_source_up{instance="shard-a", source="orders-redis", kind="redis", pipeline="orders", queue="orders-dlq"}
                values: 1x10 0x20
              - series: funnel_dlq_source_up{instance="shard-a", source="other-redis", kind="redis", pipeline="orders", queue="other-dlq"}
                values: 1x10 0x20
            alert_rule_test:
              - eval_time: 13m
                alertname: FunnelDLQSourceDown
                exp_alerts: []
              - eval_time: 15m
                alertname: FunnelDLQSourceDown
                exp_alerts:
        \(redisDown)
              - eval_time: 20m
                alertname: FunnelDLQSourceDown
                exp_alerts:
        \(redisDown)\
        \(alert(
            "severity: ticket, source: other-redis, kind: redis, pipeline: orders, queue: other-dlq",
            summary: "Funnel cannot read dead-letter queue other-dlq of pipeline orders (other-redis)",
            description: "Every poll of redis source other-redis has failed for 5 minutes, so the depth of dead-letter queue other-dlq of pipeline orders is no longer current and its depth alerts cannot fire. GET /api/v1/dlq/sources shows the last error.",
            runbook: runbooks + "funneldlqsourcedown"))
          - name: a watermark that stops moving, still counted after its reporters stop sending
            interval: 1m
            input_series:
              - series: funnel_stage_watermark_timestamp_seconds{instance="shard-a", pipeline="orders", stage="ingest"}
                values: 0+60x90
              - series: funnel_stage_watermark_timestamp_seconds{instance="shard-a", pipeline="orders", stage="process"}
                values: 0+60x90
              - series: funnel_stage_watermark_timestamp_seconds{instance="shard-a", pipeline="orders", stage="deliver"}
                values: 0+60x20 1200x25 _x45
            alert_rule_test:
              - eval_time: 30m
                alertname: FunnelWatermarkLagHigh
                exp_alerts: []
              - eval_time: 40m
                alertname: FunnelWatermarkLagHigh
                exp_alerts:
        \(alert(
            "severity: warning, pipeline: orders, stage: deliver, alarm: deliver-watermark", summary: "The watermark of stage deliver of pipeline orders is 20m 0s behind",
            description: "The watermark of stage deliver of pipeline orders is 20m 0s behind the clock (threshold 10m): its reporters have stopped moving it on.",
            runbook: runbooks + "funnelwatermarklaghigh"))
              - eval_time: 60m
                alertname: FunnelWatermarkLagHigh
                exp_alerts:
        \(alert(
            "severity: warning, pipeline: orders, stage: deliver, alarm: deliver-watermark", summary: "The watermark of stage deliver of pipeline orders is 40m 0s behind",
            description: "The watermark of stage deliver of pipeline orders is 40m 0s behind the clock (threshold 10m): its reporters have stopped moving it on.",
            runbook: runbooks + "funnelwatermarklaghigh"))\
        \(alert(
            "severity: warning, pipeline: orders, alarm: orders-watermark", summary: "The watermark of pipeline orders (its lowest stage) is 40m 0s behind",
            description: "The watermark of pipeline orders (its lowest stage) is 40m 0s behind the clock (threshold 30m): its reporters have stopped moving it on.",
            runbook: runbooks + "funnelwatermarklaghigh"))
          - name: a candidate on another shard that delivers less than its baseline over the window
            interval: 1m
            input_series:
              - series: funnel_stage_settled_events_total{instance="shard-a", pipeline="orders", stage="ingest", outcome="received"}
                values: 0+100x90
              - series: funnel_stage_settled_events_total{instance="shard-a", pipeline="orders", stage="deliver", outcome="passed"}
                values: 0+99x90
              - series: funnel_stage_settled_events_total{instance="shard-b", pipeline="orders-v2", stage="read", outcome="received"}
                values: 0+100x90
              - series: funnel_stage_settled_events_total{instance="shard-b", pipeline="orders-v2", stage="write", outcome="passed"}
                values: 0+99x30 2970+90x60
            alert_rule_test:
              - eval_time: 30m
                alertname: FunnelComparisonDeliveryGap
                exp_alerts: []
              - eval_time: 65m
                alertname: FunnelComparisonDeliveryGap
                exp_alerts:
        \(alert(
            "severity: warning, pipeline: orders-v2, comparison: migration, baseline: orders, alarm: migration-gap",
            summary: "The candidate of comparison migration (baseline orders, candidate orders-v2) delivers 9% less than the baseline",
            description: "Over the last 30m of settled buckets, orders-v2 delivered a share of its ingested events 9% below that of orders (threshold 5%).",
            runbook: runbooks + "funnelcomparisondeliverygap"))
              - eval_time: 65m
                alertname: FunnelComparisonInputMismatch
                exp_alerts: []
          - name: a candidate that ingests fewer events than its baseline, as Funnel measures it over the alarm's window
            interval: 1m
            input_series:
              - series: funnel_comparison_window_input_mismatch_events{instance="shard-b", comparison="migration", window="1h"}
                values: 0x100 120x30
              - series: funnel_comparison_window_input_mismatch_events{instance="shard-b", comparison="migration", window="30m"}
                values: 0x100 5000x30
            alert_rule_test:
              - eval_time: 100m
                alertname: FunnelComparisonInputMismatch
                exp_alerts: []
              - eval_time: 125m
                alertname: FunnelComparisonInputMismatch
                exp_alerts:
        \(alert(
            "severity: warning, pipeline: orders-v2, comparison: migration, baseline: orders, alarm: migration-input",
            summary: "The two sides of comparison migration (baseline orders, candidate orders-v2) did not get the same input",
            description: "Over the last 1h of settled buckets, what the two sides of comparison migration (baseline orders, candidate orders-v2) ingested differed by 120 events, bucket by bucket (threshold 100): the duplication of the input broke.",
            runbook: runbooks + "funnelcomparisoninputmismatch"))
        """

    @Test func alarmKindsWithoutAGenericThresholdFireAsTheirAlarmsWould() throws {
        _ = try GeneratedRuleCheck.run(config: Self.config, unitTests: Self.unitTests)
    }

    @Test func everyRunbookLinkOfTheGeneratedRulesHasASectionInTheAlertsReadme() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(Self.config, to: "funnel.yml")
        let result = try FunnelCommand.run(["generate", "rules", "--config", config])
        #expect(result.status == 0, "\(result.stderr)")
        let readme = try String(contentsOfFile: RepositoryPaths.file("Alerts/README.md"), encoding: .utf8)
        let sections = Set(readme.split(separator: "\n").filter { $0.hasPrefix("### ") }.map { $0.dropFirst(4).lowercased() })
        let prefix = "runbook_url: https://github.com/funnel-observability/funnel/blob/main/Alerts/README.md#"
        let anchors = Set(result.stdout.split(separator: "\n").compactMap { line in
            line.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) ? String(line.trimmingCharacters(in: .whitespaces).dropFirst(prefix.count)) : nil
        })
        #expect(anchors.isSuperset(of: ["funneldeadletteringhigh", "funnelwatermarklaghigh", "funnelcomparisondeliverygap", "funnelcomparisoninputmismatch"]))
        #expect(anchors.subtracting(sections).isEmpty, "no section for \(anchors.subtracting(sections).sorted())")
    }
}
