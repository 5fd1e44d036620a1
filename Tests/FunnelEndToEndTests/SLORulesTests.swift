import Foundation
import FunnelTesting
import Testing

/// `funnel generate rules` for pipelines with an `slo:`: the multiwindow, multi-burn-rate alerts, run by
/// `promtool test rules` over seven hours of settled counters.
@Suite struct SLORulesTests {
    static let config = """
        pipelines:
          - name: orders
            stages: [ingest, deliver]
            slo: {delivery_ratio: 0.9999, window: 30d}
          - name: billing
            stages: [charge, invoice]
            slo: {delivery_ratio: 0.9999}
          - name: audit
            stages: [read, write]
            slo: {delivery_ratio: 0.9999}
          - name: clicks
            stages: [collect, store]
        """

    /// The settled counters of one pipeline: `received` events a minute in, `passed` out, for 430 minutes.
    static func series(_ pipeline: String, _ first: String, _ last: String, received: Int, passed: Int) -> String {
        """
              - series: funnel_stage_position{pipeline="\(pipeline)", stage="\(first)"}
                values: 0x430
              - series: funnel_stage_position{pipeline="\(pipeline)", stage="\(last)"}
                values: 1x430
              - series: funnel_stage_settled_events_total{pipeline="\(pipeline)", stage="\(first)", outcome="received"}
                values: 0+\(received)x430
              - series: funnel_stage_settled_events_total{pipeline="\(pipeline)", stage="\(last)", outcome="passed"}
                values: 0+\(passed)x430

        """
    }

    /// The alert of one pair as promtool expects it.
    static func alert(_ pipeline: String, severity: String, long: String, short: String, value: String, burn: String, spent: String) -> String {
        """
                  - exp_labels:
                      severity: \(severity)
                      pipeline: \(pipeline)
                      long_window: \(long)
                      short_window: \(short)
                    exp_annotations:
                      summary: Pipeline \(pipeline) burns its delivery error budget \(burn)x too fast
                      description: >-
                        Over the last \(long) of settled buckets pipeline \(pipeline) left \(value)
                        of its ingested events undelivered (and over the last \(short) too): more than \(burn) times
                        its budget of 0.0001 (objective 99.99% over 30d). At this rate every \(long) spends
                        \(spent) of the budget.
                      runbook_url: https://runbooks.example.com/funnel#funnelerrorbudgetburn

        """
    }

    /// orders leaves 1% undelivered (100x its budget: every pair fires), billing 0.02% (2x: only the 3d/6h
    /// ticket), audit 0.005% (half its budget: nothing), clicks has no objective (no rule at all).
    static let unitTests = """
        rule_files:
          - rules.yml

        evaluation_interval: 1m

        tests:
          - name: burn rates pick out the pairs their rate exceeds
            interval: 1m
            input_series:
        \(series("orders", "ingest", "deliver", received: 10000, passed: 9900))\
        \(series("billing", "charge", "invoice", received: 10000, passed: 9998))\
        \(series("audit", "read", "write", received: 20000, passed: 19999))\
        \(series("clicks", "collect", "store", received: 10000, passed: 5000))
            promql_expr_test:
              - expr: round(funnel:pipeline_undelivered_ratio:1h * 1000000)
                eval_time: 7h
                exp_samples:
                  - labels: '{pipeline="orders"}'
                    value: 10000
                  - labels: '{pipeline="billing"}'
                    value: 200
                  - labels: '{pipeline="audit"}'
                    value: 50
              - expr: funnel:pipeline_slo_ingested_events:increase3d{pipeline="orders"}
                eval_time: 7h
                exp_samples:
                  - labels: 'funnel:pipeline_slo_ingested_events:increase3d{pipeline="orders"}'
                    value: 4200000
            alert_rule_test:
              - eval_time: 7h
                alertname: FunnelErrorBudgetBurn
                exp_alerts:
        \(alert("orders", severity: "page", long: "1h", short: "5m", value: "1%", burn: "14.4", spent: "2%"))\
        \(alert("orders", severity: "page", long: "6h", short: "30m", value: "1%", burn: "6", spent: "5%"))\
        \(alert("orders", severity: "ticket", long: "1d", short: "2h", value: "1%", burn: "3", spent: "10%"))\
        \(alert("orders", severity: "ticket", long: "3d", short: "6h", value: "1%", burn: "1", spent: "10%"))\
        \(alert("billing", severity: "ticket", long: "3d", short: "6h", value: "0.02%", burn: "1", spent: "10%"))
              - eval_time: 1m
                alertname: FunnelErrorBudgetBurn
                exp_alerts: []

        """

    @Test func burnRateAlertsFireForThePairsTheirRateExceeds() throws {
        let text = try GeneratedRuleCheck.run(config: Self.config, unitTests: Self.unitTests)
        #expect(!text.contains(#"undelivered_ratio:1h{pipeline="clicks"}"#), "clicks has no objective, so no burn-rate alert")
        #expect(text.components(separatedBy: "- alert: FunnelErrorBudgetBurn").count - 1 == 12, "four pairs for each of three objectives")
    }
}
