import FunnelCore

/// The checked-in header and recording rules of `Alerts/funnel-rules.yml`: pipeline-agnostic, so every generated
/// rule file starts with them unchanged.
extension RuleFileGenerator {
    static let recordingRules = #"""
# Prometheus recording and alerting rules for Funnel.
#
# Load with `rule_files: [funnel-rules.yml]` in prometheus.yml (see README.md).
# Validate with `promtool check rules funnel-rules.yml` and
# `promtool test rules funnel-rules.test.yml`.
#
# Loss and delivery figures are computed from the *settled* counters
# (funnel_stage_settled_events_total): a 1-minute event-time bucket settles
# 5 minutes after it ends, so these numbers never count events that are merely
# still in flight. Stall detection and dead-letter rates use the as-reported
# counters (funnel_stage_events_total) because they must react quickly.

groups:
  - name: funnel-recording
    rules:
      # -- Stage loss (settled) -------------------------------------------

      # Settled events per pipeline, stage and outcome over the last hour.
      - record: funnel:stage_settled_events:increase1h
        expr: sum by (pipeline, stage, outcome) (increase(funnel_stage_settled_events_total[1h]))

      # What entered a stage: received, plus redriven out of its dead-letter
      # queue, plus replayed into it (redelivered events are not new input).
      - record: funnel:stage_settled_input_events:increase1h
        expr: sum by (pipeline, stage) (funnel:stage_settled_events:increase1h{outcome=~"received|redriven|replayed"})

      # Events that entered a stage but were neither passed on, failed nor
      # dead-lettered. A stage that received events but reported no outcome at
      # all counts everything it received as lost (the `or 0 * input` branch).
      - record: funnel:stage_silent_loss_events:increase1h
        expr: |
          clamp_min(
              funnel:stage_settled_input_events:increase1h
            - (
                  sum by (pipeline, stage) (funnel:stage_settled_events:increase1h{outcome=~"passed|failed|dead_lettered"})
                or
                  0 * funnel:stage_settled_input_events:increase1h
              ),
            0
          )

      # Share of a stage's settled input that was silently lost (0..1).
      - record: funnel:stage_silent_loss_ratio:1h
        expr: |
          funnel:stage_silent_loss_events:increase1h
            / on (pipeline, stage)
          (funnel:stage_settled_input_events:increase1h > 0)

      # Redelivered over received: how much of a stage's input arrived again.
      - record: funnel:stage_retry_ratio:1h
        expr: |
          sum by (pipeline, stage) (funnel:stage_settled_events:increase1h{outcome="redelivered"})
            / on (pipeline, stage)
          (sum by (pipeline, stage) (funnel:stage_settled_events:increase1h{outcome="received"}) > 0)

      # -- Transit loss (settled) ----------------------------------------

      # The hops of every pipeline (from_stage -> to_stage), taken from the
      # transit gauges Funnel exports for each pair of adjacent stages.
      - record: funnel:transit_edge:info
        expr: group by (pipeline, from_stage, to_stage) (funnel_transit_lost_events or funnel_transit_excess_events)

      # Events passed on by from_stage, per hop.
      - record: funnel:transit_sent_events:increase1h
        expr: |
          funnel:transit_edge:info
            * on (pipeline, from_stage) group_left ()
          sum by (pipeline, from_stage) (
            label_replace(funnel:stage_settled_events:increase1h{outcome="passed"}, "from_stage", "$1", "stage", "(.+)")
          )

      # Events received by to_stage, per hop.
      - record: funnel:transit_received_events:increase1h
        expr: |
          funnel:transit_edge:info
            * on (pipeline, to_stage) group_left ()
          sum by (pipeline, to_stage) (
            label_replace(funnel:stage_settled_events:increase1h{outcome="received"}, "to_stage", "$1", "stage", "(.+)")
          )

      # Events passed on by from_stage that to_stage never received. A
      # to_stage that reported nothing at all counts everything sent as lost.
      - record: funnel:transit_lost_events:increase1h
        expr: |
          clamp_min(
              funnel:transit_sent_events:increase1h
            - (funnel:transit_received_events:increase1h or 0 * funnel:transit_sent_events:increase1h),
            0
          )

      # Share of the events passed on by from_stage that were lost in transit (0..1).
      - record: funnel:transit_loss_ratio:1h
        expr: funnel:transit_lost_events:increase1h / (funnel:transit_sent_events:increase1h > 0)

      # -- End-to-end delivery (settled) --------------------------------

      # Events received by the first stage (position 0) of each pipeline.
      - record: funnel:pipeline_ingested_events:increase1h
        expr: |
          sum by (pipeline) (
              funnel:stage_settled_events:increase1h{outcome="received"}
            and on (pipeline, stage)
              (funnel_stage_position == 0)
          )

      # Events passed on by the last stage (highest position) of each pipeline;
      # 0 when the last stage passed nothing although events were ingested.
      - record: funnel:pipeline_delivered_events:increase1h
        expr: |
          sum by (pipeline) (
              funnel:stage_settled_events:increase1h{outcome="passed"}
            and on (pipeline, stage)
              (funnel_stage_position == on (pipeline) group_left () max by (pipeline) (funnel_stage_position))
          )
          or
          0 * funnel:pipeline_ingested_events:increase1h

      # Delivered / ingested over the last hour of settled buckets (0..1).
      - record: funnel:pipeline_delivery_ratio:1h
        expr: funnel:pipeline_delivered_events:increase1h / (funnel:pipeline_ingested_events:increase1h > 0)

      # -- Recovery (settled) ---------------------------------------------

      # Events that came back: redriven out of dead-letter queues or replayed.
      - record: funnel:pipeline_recovered_events:increase1h
        expr: sum by (pipeline) (funnel:stage_settled_events:increase1h{outcome=~"redriven|replayed"})

      # Dead-lettered minus redriven over the last hour: what the hour added to
      # the dead-letter queues (negative when a redrive drains them). The
      # standing figure is the gauge funnel_pipeline_recoverable_events.
      - record: funnel:pipeline_dlq_outstanding_events:increase1h
        expr: |
          sum by (pipeline) (funnel:stage_settled_events:increase1h{outcome="dead_lettered"})
            - sum by (pipeline) (funnel:stage_settled_events:increase1h{outcome="redriven"})

      # -- Live rates (as reported) -------------------------------------

      - record: funnel:stage_events:rate5m
        expr: sum by (pipeline, stage, outcome) (rate(funnel_stage_events_total[5m]))

      - record: funnel:stage_dead_lettered_events:rate5m
        expr: sum by (pipeline, stage) (rate(funnel_stage_events_total{outcome="dead_lettered"}[5m]))

      # -- Latency -------------------------------------------------------

      - record: funnel:stage_latency_seconds_bucket:rate5m
        expr: sum by (pipeline, stage, le) (rate(funnel_stage_latency_seconds_bucket[5m]))

      - record: funnel:pipeline_end_to_end_latency_seconds_bucket:rate5m
        expr: sum by (pipeline, le) (rate(funnel_pipeline_end_to_end_latency_seconds_bucket[5m]))

"""#
}
