import FunnelCore

/// Alerts on Funnel itself (ingest rejections, down, not scraped, a DLQ source it cannot read): the same in every
/// generated file but for the job, the runbooks' URL and the DLQ sources that have a `dlq_source_down` alarm of
/// their own (their alert carries the alarm's `for` and labels, so the generic one leaves them out).
extension RuleFileGenerator {
    /// The health alerts for Funnel scraped as `job`, linking to runbooks under `runbooks`; `watchedSources` holds the
    /// selector matchers of each `dlq_source_down` alarm, whose sources `FunnelDLQSourceDown` leaves out.
    static func funnelAlerts(job: String, runbooks: String, watchedSources: [[String]] = []) -> String {
        let sourceDown = "max by (source, kind, pipeline, queue) (funnel_dlq_source_up) == 0"
        let unwatched = watchedSources.isEmpty
            ? sourceDown
            : "|\n          " + sourceDown + watchedSources.map {
                "\n            unless on (source, kind, pipeline, queue) funnel_dlq_source_up{" + $0.joined(separator: ",") + "}"
            }.joined()
        return template
            .replacingAll("expr: " + sourceDown, with: "expr: " + unwatched)
            .replacingAll(#"up{job="funnel"}"#, with: "up{" + matcher("job", "=", job) + "}")
            .replacingAll(#"job="funnel" for 10 minutes"#, with: matcher("job", "=", job) + " for 10 minutes")
            .replacingAll(defaultRunbookBaseURL + "#", with: runbooks + "#")
    }

    private static let template = #"""
      # -- Funnel itself -------------------------------------------------

      - alert: FunnelIngestRejectionsHigh
        expr: |
          sum by (instance, reason) (rate(funnel_ingest_rejected_total[10m]))
            / ignoring (reason) group_left ()
          (
              (sum by (instance) (rate(funnel_ingest_reports_total[10m])) or 0 * sum by (instance) (rate(funnel_ingest_rejected_total[10m])))
            + sum by (instance) (rate(funnel_ingest_rejected_total[10m]))
          )
          > 0.05
        for: 15m
        labels:
          severity: ticket
        annotations:
          summary: Funnel rejects {{ $value | humanizePercentage }} of ingest reports ({{ $labels.reason }})
          description: >-
            {{ $value | humanizePercentage }} of the reports sent to Funnel over the last 10 minutes were rejected
            with reason "{{ $labels.reason }}" (threshold 5%). Rejected reports are not counted, so loss figures
            for the affected pipelines are not trustworthy.
          runbook_url: https://github.com/funnel-observability/funnel/blob/main/Alerts/README.md#funnelingestrejectionshigh

      - alert: FunnelDown
        expr: up{job="funnel"} == 0
        for: 5m
        labels:
          severity: page
        annotations:
          summary: Funnel instance {{ $labels.instance }} is down
          description: >-
            Prometheus has failed to scrape Funnel at {{ $labels.instance }} for 5 minutes. While Funnel is down
            no loss, dead-letter or latency alert can fire.
          runbook_url: https://github.com/funnel-observability/funnel/blob/main/Alerts/README.md#funneldown

      - alert: FunnelNotScraped
        expr: absent(up{job="funnel"})
        for: 10m
        labels:
          severity: page
        annotations:
          summary: Prometheus is not scraping Funnel
          description: >-
            Prometheus has had no scrape target with job="funnel" for 10 minutes, so no Funnel alert can fire.
          runbook_url: https://github.com/funnel-observability/funnel/blob/main/Alerts/README.md#funnelnotscraped

      - alert: FunnelDLQSourceDown
        expr: max by (source, kind, pipeline, queue) (funnel_dlq_source_up) == 0
        for: 5m
        labels:
          severity: ticket
        annotations:
          summary: Funnel cannot read dead-letter queue {{ $labels.queue }} of pipeline {{ $labels.pipeline }} ({{ $labels.source }})
          description: >-
            Every poll of {{ $labels.kind }} source {{ $labels.source }} has failed for 5 minutes, so the depth of
            dead-letter queue {{ $labels.queue }} of pipeline {{ $labels.pipeline }} is no longer current and its
            depth alerts cannot fire. GET /api/v1/dlq/sources shows the last error.
          runbook_url: https://github.com/funnel-observability/funnel/blob/main/Alerts/README.md#funneldlqsourcedown
"""#
}
