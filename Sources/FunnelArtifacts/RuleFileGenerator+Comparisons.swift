import FunnelCore

/// The comparison recording rules of `Alerts/funnel-rules.yml`, after the other recording rules: generic, since
/// every `funnel_comparison_*` series names its comparison.
extension RuleFileGenerator {
    static let comparisonRecordingRules = #"""

      # -- Comparisons (settled) -----------------------------------------

      # How far a comparison's candidate delivers below its baseline, over the
      # buckets both pipelines have settled; 0 when it delivers as much or more.
      - record: funnel:comparison_candidate_delivery_shortfall
        expr: |
          clamp_min(
              sum by (comparison) (funnel_comparison_delivery_ratio{side="baseline"})
            - on (comparison)
              sum by (comparison) (funnel_comparison_delivery_ratio{side="candidate"}),
            0
          )

      # Backfill added over the last hour: events the baseline failed to deliver
      # and the candidate delivered, that a backfill of the baseline replays.
      - record: funnel:comparison_backfill_events:delta1h
        expr: sum by (comparison) (clamp_min(delta(funnel_comparison_backfill_events[1h]), 0))

"""#
}
