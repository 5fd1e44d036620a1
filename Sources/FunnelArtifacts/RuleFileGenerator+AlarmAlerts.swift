import FunnelCore

// MARK: Config alarms without a generic threshold
//
// Each alert stands for one config alarm (its `for`, labels and runbook) and measures what Funnel's evaluator
// measures, from the series Funnel exports, summed over the instances that scrape as one (`sum by` drops `instance`).

extension RuleFileGenerator {
    /// A `latency` alarm of the config: its percentile of a stage (or end to end) over its window, above its
    /// threshold (milliseconds in the config, seconds in Prometheus).
    static func latencyAlarm(_ scope: PipelineScope, stage: String?, percentile: Double, window: LatencyWindow, thresholdMs: Double) -> String {
        let quantile = decimal(percentile / 100)
        let seconds = decimal(thresholdMs / 1000)
        let (alert, family, by, subject) =
            stage == nil
            ? ("FunnelEndToEndLatencyHigh", "funnel_pipeline_end_to_end_latency_seconds_bucket", "pipeline, le", "End-to-end latency of pipeline {{ $labels.pipeline }}")
            : ("FunnelStageLatencyHigh", "funnel_stage_latency_seconds_bucket", "pipeline, stage, le", "Stage {{ $labels.stage }} of pipeline {{ $labels.pipeline }}")
        return """
                  - alert: \(alert)
                    expr: histogram_quantile(\(quantile), sum by (\(by)) (rate(\(scope.select(family))[\(window.rawValue)]))) > \(seconds)
                    for: \(scope.forText("15m"))
                    labels:
                      severity: \(scope.severity("warning"))\(scope.labelLines)
                    annotations:
                      summary: \(subject) is slow (p\(number(percentile)) {{ $value | humanizeDuration }})
                      description: >-
                        The \(number(percentile))th percentile latency over the last \(window.rawValue) is {{ $value | humanizeDuration }}
                        (threshold \(number(thresholdMs)) ms).
                      runbook_url: \(scope.runbook("funnelstagelatencyp95high"))

            """
    }

    /// A `stalled` alarm: the stage before `stage` passed events on within the window and `stage` received none.
    static func stalledAlarm(_ scope: PipelineScope, stage: String, upstream: String, windowSeconds: Int64) -> String {
        let window = DurationText.format(seconds: windowSeconds)
        let passed = scope.select("funnel_stage_events_total", [matcher("stage", "=", upstream), #"outcome="passed""#])
        let received = scope.select("funnel_stage_events_total", [matcher("stage", "=", stage), #"outcome="received""#])
        return """
                  - alert: FunnelStageStalled
                    expr: |
                      sum by (pipeline) (increase(\(passed)[\(window)])) > 0
                      unless on (pipeline)
                      sum by (pipeline) (increase(\(received)[\(window)])) > 0
                    for: \(scope.forText("10m"))
                    labels:
                      severity: \(scope.severity("page"))\(scope.labelLines)
                    annotations:
                      summary: Stage \(stage) of pipeline {{ $labels.pipeline }} has stalled
                      description: >-
                        \(upstream) passed on {{ $value | humanize }} events over the last \(window), but the next stage
                        \(stage) of pipeline {{ $labels.pipeline }} has received none.
                      runbook_url: \(scope.runbook("funnelstagestalled"))

            """
    }

    /// A `dlq_growth` alarm: dead-lettered events a minute over its window, of a stage or of the whole pipeline.
    static func dlqGrowthAlarm(_ scope: PipelineScope, stage: String?, windowSeconds: Int64, perMinute: Double) -> String {
        let window = DurationText.format(seconds: windowSeconds)
        let series = scope.select("funnel_stage_events_total", [#"outcome="dead_lettered""#])
        let subject = stage.map { "Stage \($0) of pipeline {{ $labels.pipeline }}" } ?? "Pipeline {{ $labels.pipeline }}"
        return """
                  - alert: FunnelDeadLetteringHigh
                    expr: sum by (pipeline) (rate(\(series)[\(window)])) * 60 > \(number(perMinute))
                    for: \(scope.forText("15m"))
                    labels:
                      severity: \(scope.severity("warning"))\(scope.labelLines)
                    annotations:
                      summary: \(subject) dead-letters {{ $value | humanize }} events a minute
                      description: >-
                        Over the last \(window), \(subject.prefix(1).lowercased() + subject.dropFirst()) dead-lettered {{ $value | humanize }} events
                        a minute (threshold \(number(perMinute))). They are not delivered until they are redriven.
                      runbook_url: \(scope.runbook("funneldeadletteringhigh"))

            """
    }

    /// A `dlq_source_down` alarm: a matching `dlq_sources` entry whose last poll failed.
    static func dlqSourceDownAlarm(_ scope: PipelineScope) -> String {
        """
              - alert: FunnelDLQSourceDown
                expr: max by (source, kind, pipeline, queue) (\(scope.select("funnel_dlq_source_up"))) == 0
                for: \(scope.forText("5m"))
                labels:
                  severity: \(scope.severity("ticket"))\(scope.labelLines)
                annotations:
                  summary: Funnel cannot read dead-letter queue {{ $labels.queue }} of pipeline {{ $labels.pipeline }} ({{ $labels.source }})
                  description: >-
                    The last poll of {{ $labels.kind }} source {{ $labels.source }} failed, so the depth of dead-letter
                    queue {{ $labels.queue }} of pipeline {{ $labels.pipeline }} is no longer current. GET
                    /api/v1/dlq/sources shows the last error.
                  runbook_url: \(scope.runbook("funneldlqsourcedown"))

        """
    }

    /// A `watermark_lag` alarm: how far a stage's watermark (the pipeline's lowest when `stage` is nil) is behind
    /// the clock. The last watermark counts for an hour past the threshold after its reporters stop sending, as
    /// Funnel keeps the last known one.
    static func watermarkLagAlarm(_ scope: PipelineScope, stage: String?, thresholdSeconds: Double) -> String {
        let lookback = DurationText.format(seconds: Int64(thresholdSeconds.rounded(.up)) + 3600)
        let latest = "max by (pipeline, stage) (last_over_time(\(scope.select("funnel_stage_watermark_timestamp_seconds"))[\(lookback)]))"
        let lowest = stage == nil ? "min by (pipeline) (\(latest))" : latest
        let subject = stage.map { "stage \($0) of pipeline {{ $labels.pipeline }}" } ?? "pipeline {{ $labels.pipeline }} (its lowest stage)"
        return """
                  - alert: FunnelWatermarkLagHigh
                    expr: time() - \(lowest) > \(number(thresholdSeconds))
                    for: \(scope.forText("5m"))
                    labels:
                      severity: \(scope.severity("warning"))\(scope.labelLines)
                    annotations:
                      summary: The watermark of \(subject) is {{ $value | humanizeDuration }} behind
                      description: >-
                        The watermark of \(subject) is {{ $value | humanizeDuration }} behind the clock
                        (threshold \(DurationText.format(seconds: Int64(thresholdSeconds.rounded(.up))))): its reporters have stopped moving it on.
                      runbook_url: \(scope.runbook("funnelwatermarklaghigh"))

            """
    }

    /// A `comparison` alarm: over its window of settled buckets, how far the candidate's delivery ratio is below the
    /// baseline's, or the input mismatch Funnel measures for that window bucket by bucket
    /// (`funnel_comparison_window_input_mismatch_events`, exported for each such alarm's window).
    static func comparisonAlarm(
        _ scope: PipelineScope, comparison: Comparison, measure: ComparisonMeasure, windowSeconds: Int64, threshold: Double,
        baseline: PipelineDefinition, candidate: PipelineDefinition
    ) -> String? {
        guard let baseFirst = baseline.stages.first, let baseLast = baseline.stages.last,
            let candidateFirst = candidate.stages.first, let candidateLast = candidate.stages.last
        else { return nil }
        let window = DurationText.format(seconds: windowSeconds)
        func settled(_ pipeline: String, _ stage: String, _ outcome: String) -> String {
            let series = "funnel_stage_settled_events_total{" + [matcher("pipeline", "=", pipeline), matcher("stage", "=", stage), matcher("outcome", "=", outcome)].joined(separator: ",") + "}"
            return "sum(increase(\(series)[\(window)]))"
        }
        func ratio(_ pipeline: String, _ first: String, _ last: String) -> String {
            "(\(settled(pipeline, last, "passed")) or vector(0))\n            / (\(settled(pipeline, first, "received")) > 0)"
        }
        let names = "comparison \(comparison.name) (baseline \(comparison.baseline), candidate \(comparison.candidate))"
        switch measure {
        case .deliveryGap:
            return """
                      - alert: FunnelComparisonDeliveryGap
                        expr: |
                          (
                              \(ratio(comparison.baseline, baseFirst, baseLast))
                          )
                          - (
                              \(ratio(comparison.candidate, candidateFirst, candidateLast))
                          )
                          > \(number(threshold))
                        for: \(scope.forText("15m"))
                        labels:
                          severity: \(scope.severity("warning"))\(scope.labelLines)
                        annotations:
                          summary: The candidate of \(names) delivers {{ $value | humanizePercentage }} less than the baseline
                          description: >-
                            Over the last \(window) of settled buckets, \(comparison.candidate) delivered a share of its ingested events
                            {{ $value | humanizePercentage }} below that of \(comparison.baseline) (threshold \(percent(threshold))).
                          runbook_url: \(scope.runbook("funnelcomparisondeliverygap"))

                """
        case .inputMismatch:
            let mismatch = "funnel_comparison_window_input_mismatch_events{" + [matcher("comparison", "=", comparison.name), matcher("window", "=", window)].joined(separator: ",") + "}"
            return """
                      - alert: FunnelComparisonInputMismatch
                        expr: max(\(mismatch)) > \(number(threshold))
                        for: \(scope.forText("15m"))
                        labels:
                          severity: \(scope.severity("warning"))\(scope.labelLines)
                        annotations:
                          summary: The two sides of \(names) did not get the same input
                          description: >-
                            Over the last \(window) of settled buckets, what the two sides of \(names) ingested differed by
                            {{ $value | humanize }} events, bucket by bucket (threshold \(number(threshold))): the duplication of the input broke.
                          runbook_url: \(scope.runbook("funnelcomparisoninputmismatch"))

                """
        }
    }
}
