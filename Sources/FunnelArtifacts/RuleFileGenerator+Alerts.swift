import FunnelCore

// MARK: Alert templates
//
// Each template is the checked-in alert with its selectors and thresholds filled in from a scope; with an empty
// scope and the default thresholds they are the generic file's text exactly.

extension RuleFileGenerator {
    /// Loss, delivery, stall, DLQ and latency alerts of one scope, with section comments.
    static func pipelineAlerts(_ scope: PipelineScope) -> String {
        "      # -- Loss ----------------------------------------------------------\n\n"
            + silentLoss(scope.narrowed(scope.silentMatchers)) + "\n"
            + transitLoss(scope.narrowed(scope.transitMatchers)) + "\n"
            + deliveryRatioLow(scope.standingFor(scope.deliveryAlarm)) + "\n"
            + stalled(scope) + "\n"
            + "      # -- Dead-letter queues --------------------------------------------\n\n"
            + dlqDepth(scope.narrowed(scope.queueMatchers)) + "\n"
            + dlqGrowing(scope) + "\n"
            + "      # -- Latency -------------------------------------------------------\n\n"
            + latency(scope) + "\n"
    }

    static func silentLoss(_ scope: PipelineScope) -> String {
        """
              - alert: FunnelStageSilentLoss
                expr: |
                  \(scope.select("funnel:stage_silent_loss_ratio:1h")) > \(number(scope.lossRatio))
                  and on (pipeline, stage)
                  \(scope.select("funnel:stage_silent_loss_events:increase1h")) >= 10
                for: \(scope.forText("10m"))
                labels:
                  severity: \(scope.severity("page"))\(scope.labelLines)
                annotations:
                  summary: Stage {{ $labels.stage }} of pipeline {{ $labels.pipeline }} is silently losing events
                  description: >-
                    Over the last hour of settled buckets, stage {{ $labels.stage }} of pipeline {{ $labels.pipeline }}
                    lost {{ with printf "funnel:stage_silent_loss_events:increase1h{pipeline=%q,stage=%q}" $labels.pipeline $labels.stage | query }}{{ . | first | value | humanize }}{{ end }}
                    events ({{ $value | humanizePercentage }} of what it received) that it neither passed on,
                    failed nor dead-lettered (threshold \(percent(scope.lossRatio))).
                  runbook_url: \(scope.runbook("funnelstagesilentloss"))

        """
    }

    static func transitLoss(_ scope: PipelineScope) -> String {
        """
              - alert: FunnelTransitLoss
                expr: |
                  \(scope.select("funnel:transit_loss_ratio:1h")) > \(number(scope.lossRatio))
                  and on (pipeline, from_stage, to_stage)
                  \(scope.select("funnel:transit_lost_events:increase1h")) >= 10
                for: \(scope.forText("10m"))
                labels:
                  severity: \(scope.severity("page"))\(scope.labelLines)
                annotations:
                  summary: Events are lost between {{ $labels.from_stage }} and {{ $labels.to_stage }} in pipeline {{ $labels.pipeline }}
                  description: >-
                    Over the last hour of settled buckets, {{ with printf "funnel:transit_lost_events:increase1h{pipeline=%q,from_stage=%q,to_stage=%q}" $labels.pipeline $labels.from_stage $labels.to_stage | query }}{{ . | first | value | humanize }}{{ end }}
                    events ({{ $value | humanizePercentage }}) passed on by {{ $labels.from_stage }} never arrived at
                    {{ $labels.to_stage }} in pipeline {{ $labels.pipeline }} (threshold \(percent(scope.lossRatio))).
                  runbook_url: \(scope.runbook("funneltransitloss"))

        """
    }

    static func deliveryRatioLow(_ scope: PipelineScope) -> String {
        """
              - alert: FunnelDeliveryRatioLow
                expr: \(scope.select("funnel:pipeline_delivery_ratio:1h")) < \(number(scope.deliveryRatio))
                for: \(scope.forText("15m"))
                labels:
                  severity: \(scope.severity("ticket"))\(scope.labelLines)
                annotations:
                  summary: Pipeline {{ $labels.pipeline }} delivers only {{ $value | humanizePercentage }} of ingested events
                  description: >-
                    Over the last hour of settled buckets, the last stage of pipeline {{ $labels.pipeline }} passed on
                    {{ $value | humanizePercentage }} of the events its first stage received (threshold \(percent(scope.deliveryRatio))).
                    The rest failed, was dead-lettered or was lost.
                  runbook_url: \(scope.runbook("funneldeliveryratiolow"))

        """
    }

    static func stalled(_ scope: PipelineScope) -> String {
        """
              - alert: FunnelStageStalled
                expr: |
                  (
                    \(scope.select("funnel:transit_edge:info", scope.stalledMatchers))
                      * on (pipeline, from_stage) group_left ()
                    label_replace(sum by (pipeline, stage) (\(scope.select("funnel:stage_events:rate5m", [#"outcome="passed""#]))), "from_stage", "$1", "stage", "(.+)")
                  ) > 0
                  unless on (pipeline, to_stage)
                  label_replace(sum by (pipeline, stage) (\(scope.select("funnel:stage_events:rate5m", [#"outcome="received""#]))) > 0, "to_stage", "$1", "stage", "(.+)")
                for: \(scope.forText("10m"))
                labels:
                  severity: \(scope.severity("page"))\(scope.labelLines)
                annotations:
                  summary: Stage {{ $labels.to_stage }} of pipeline {{ $labels.pipeline }} has stalled
                  description: >-
                    {{ $labels.from_stage }} is passing on {{ $value | humanize }} events/s, but the next stage
                    {{ $labels.to_stage }} of pipeline {{ $labels.pipeline }} has reported no received events
                    for at least 15 minutes.
                  runbook_url: \(scope.runbook("funnelstagestalled"))

        """
    }

    static func dlqDepth(_ scope: PipelineScope) -> String {
        """
              - alert: FunnelDLQDepthHigh
                expr: max by (pipeline, queue) (\(scope.select("funnel_dlq_depth"))) > \(number(scope.dlqDepth))
                for: \(scope.forText("15m"))
                labels:
                  severity: \(scope.severity("ticket"))\(scope.labelLines)
                annotations:
                  summary: Dead-letter queue {{ $labels.queue }} of pipeline {{ $labels.pipeline }} holds {{ $value | humanize }} events
                  description: >-
                    Dead-letter queue {{ $labels.queue }} of pipeline {{ $labels.pipeline }} has held more than \(number(scope.dlqDepth)) events\(scope.standingPhrase("15 minutes"))
                    (now {{ $value | humanize }}). These events are not delivered until they are redriven.
                  runbook_url: \(scope.runbook("funneldlqdepthhigh"))

        """
    }

    static func dlqGrowing(_ scope: PipelineScope) -> String {
        """
              - alert: FunnelDLQGrowing
                expr: |
                  max by (pipeline, queue) (delta(\(scope.select("funnel_dlq_depth"))[1h])) > 100
                  and on (pipeline, queue)
                  max by (pipeline, queue) (deriv(\(scope.select("funnel_dlq_depth"))[15m])) > 0
                for: \(scope.forText("15m"))
                labels:
                  severity: \(scope.severity("warning"))\(scope.labelLines)
                annotations:
                  summary: Dead-letter queue {{ $labels.queue }} of pipeline {{ $labels.pipeline }} is growing
                  description: >-
                    Dead-letter queue {{ $labels.queue }} of pipeline {{ $labels.pipeline }} grew by {{ $value | humanize }} events
                    over the last hour (threshold 100) and is still growing.
                  runbook_url: \(scope.runbook("funneldlqgrowing"))

        """
    }

    static func latency(_ scope: PipelineScope) -> String {
        """
              - alert: FunnelStageLatencyP95High
                expr: histogram_quantile(0.95, \(scope.select("funnel:stage_latency_seconds_bucket:rate5m"))) > 60
                for: \(scope.forText("15m"))
                labels:
                  severity: \(scope.severity("warning"))\(scope.labelLines)
                annotations:
                  summary: Stage {{ $labels.stage }} of pipeline {{ $labels.pipeline }} is slow (p95 {{ $value | humanizeDuration }})
                  description: >-
                    The 95th percentile latency of stage {{ $labels.stage }} of pipeline {{ $labels.pipeline }} over the last
                    5 minutes is {{ $value | humanizeDuration }} (threshold 1m). Events that reach a stage more than 5 minutes
                    after their bucket ends are reported late and count as loss.
                  runbook_url: \(scope.runbook("funnelstagelatencyp95high"))

        """
    }
}
