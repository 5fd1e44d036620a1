import FunnelCore

// MARK: Delivery SLOs
//
// Multiwindow, multi-burn-rate alerts on the settled delivery ratio, as in the SRE workbook ("Alerting on SLOs"):
// an alert fires when both a long and a short window burn the error budget faster than a rate, the short window
// making it stop soon after the burning does.

extension RuleFileGenerator {
    /// One pair of windows and the burn rate both must exceed.
    struct BurnRateWindow: Sendable {
        var burnRate: Double
        var long: String
        var longSeconds: Int64
        var short: String
        var severity: String
        var forText: String
    }

    /// The workbook's pairs: two that page (2% of a 30-day budget in an hour, 5% in six hours) and two that open a
    /// ticket (10% in a day, 10% in three days).
    static let burnRateWindows = [
        BurnRateWindow(burnRate: 14.4, long: "1h", longSeconds: 3600, short: "5m", severity: "page", forText: "2m"),
        BurnRateWindow(burnRate: 6, long: "6h", longSeconds: 6 * 3600, short: "30m", severity: "page", forText: "2m"),
        BurnRateWindow(burnRate: 3, long: "1d", longSeconds: 86_400, short: "2h", severity: "ticket", forText: "15m"),
        BurnRateWindow(burnRate: 1, long: "3d", longSeconds: 3 * 86_400, short: "6h", severity: "ticket", forText: "15m"),
    ]

    /// Every window the pairs use, shortest first.
    static let sloWindows = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]

    /// The group recording, per pipeline in `pipelines` and per window, settled events ingested and delivered and
    /// the share left undelivered.
    static func sloRecordingRules(_ pipelines: [String]) -> String {
        let selector = matcher("pipeline", "=~", alternatives(pipelines))
        var text = """
              - name: funnel-slo-recording
                rules:
                  # Settled events received by the first stage and passed by the last, per
                  # pipeline with an slo:, and the share left undelivered (0..1), over each
                  # window of the burn-rate alerts. Like every recording rule they sum over
                  # instances, so shards add up.

            """
        for window in sloWindows {
            text += """
                      - record: funnel:pipeline_slo_ingested_events:increase\(window)
                        expr: |
                          sum by (pipeline) (
                              increase(funnel_stage_settled_events_total{\(selector),outcome="received"}[\(window)])
                            and on (pipeline, stage)
                              (funnel_stage_position == 0)
                          )

                      - record: funnel:pipeline_slo_delivered_events:increase\(window)
                        expr: |
                          sum by (pipeline) (
                              increase(funnel_stage_settled_events_total{\(selector),outcome="passed"}[\(window)])
                            and on (pipeline, stage)
                              (funnel_stage_position == on (pipeline) group_left () max by (pipeline) (funnel_stage_position))
                          )
                          or
                          0 * funnel:pipeline_slo_ingested_events:increase\(window)

                      - record: funnel:pipeline_undelivered_ratio:\(window)
                        expr: |
                          clamp_min(
                            1 - funnel:pipeline_slo_delivered_events:increase\(window) / (funnel:pipeline_slo_ingested_events:increase\(window) > 0),
                            0
                          )


                """
        }
        return String(text.dropLast())
    }

    /// The four burn-rate alerts of one pipeline's objective.
    static func burnRateAlerts(_ scope: PipelineScope, slo: DeliverySLO) -> String {
        let budget = decimal(slo.budgetRatio)
        let window = slo.windowSeconds % 86_400 == 0 ? "\(slo.windowSeconds / 86_400)d" : DurationText.format(seconds: slo.windowSeconds)
        var text = "      # -- Delivery SLO: \(percent(slo.deliveryRatio)) over \(window) ----------------------------\n\n"
        for pair in burnRateWindows {
            let threshold = decimal(pair.burnRate * slo.budgetRatio)
            let spent = percent(pair.burnRate * Double(pair.longSeconds) / Double(slo.windowSeconds))
            text += """
                      - alert: FunnelErrorBudgetBurn
                        expr: |
                          \(scope.select("funnel:pipeline_undelivered_ratio:\(pair.long)")) > \(threshold)
                          and on (pipeline)
                          \(scope.select("funnel:pipeline_undelivered_ratio:\(pair.short)")) > \(threshold)
                        for: \(pair.forText)
                        labels:
                          severity: \(pair.severity)\(scope.labelLines)
                          long_window: \(pair.long)
                          short_window: \(pair.short)
                        annotations:
                          summary: Pipeline {{ $labels.pipeline }} burns its delivery error budget \(number(pair.burnRate))x too fast
                          description: >-
                            Over the last \(pair.long) of settled buckets pipeline {{ $labels.pipeline }} left {{ $value | humanizePercentage }}
                            of its ingested events undelivered (and over the last \(pair.short) too): more than \(number(pair.burnRate)) times
                            its budget of \(budget) (objective \(percent(slo.deliveryRatio)) over \(window)). At this rate every \(pair.long) spends
                            \(spent) of the budget.
                          runbook_url: \(scope.runbook("funnelerrorbudgetburn"))


                """
        }
        return text
    }
}
