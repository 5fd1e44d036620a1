/// Renders the funnel and Funnel's own counters as `/metrics`.
///
/// Loss gauges cover settled buckets within retention; the `_total` counters are monotonic over the server's
/// whole history (pruned buckets stay counted), so PromQL can compute exact loss from
/// `funnel_stage_settled_events_total` with `increase()`.
public enum FunnelExposition {
    /// Writes every Funnel metric family for `ledger` and `counters` in `format`.
    ///
    /// The StatsD listener's families are written only when `statsd` is given, that is when a listener is configured.
    public static func render(
        ledger: FunnelLedger,
        counters: IngestCounters,
        version: String,
        format: ExpositionFormat,
        alarms: [AlarmStatus] = [],
        webhooks: WebhookCounters = WebhookCounters(),
        statsd: StatsDCounters? = nil,
        sources: [DLQSourceStatus] = []
    ) -> [UInt8] {
        // About 1.5 KB per (pipeline, stage) with its latency families: one allocation instead of a dozen copies.
        var writer = ExpositionWriter(format: format, reservingCapacity: 64 * 1024 + ledger.seriesCount * 1536)
        let funnels = ledger.pipelineNames.compactMap { name in
            ledger.pipelines[name].flatMap { pipeline in ledger.funnel(pipeline: name).map { (pipeline, $0) } }
        }
        // Label strings for each stage, rendered once per scrape.
        let stageLabels: [[ExpositionLabels]] = funnels.map { pipeline, _ in
            pipeline.stages.map { ExpositionLabels(["pipeline": pipeline.name, "stage": $0]) }
        }
        let outcomeLabels = Outcome.allCases.map { ExpositionLabels(["outcome": $0.name]) }

        writer.family("funnel_build", .info, help: "Funnel build information.")
        writer.sample(ExpositionWriter.labels(["version": version]), UInt64(1))

        writer.family("funnel_ingest_reports", .counter, help: "Stage reports accepted.")
        writer.sample(counters.acceptedReports)
        writer.family("funnel_ingest_requests", .counter, help: "Report requests answered, by result.")
        writer.sample(ExpositionWriter.labels(["result": "accepted"]), counters.acceptedRequests)
        writer.sample(ExpositionWriter.labels(["result": "replayed"]), counters.replayedRequests)
        writer.sample(ExpositionWriter.labels(["result": "rejected"]), counters.rejected.values.reduce(0, &+))
        writer.family("funnel_ingest_rejected", .counter, help: "Report requests rejected, by reason.")
        for reason in ReportRejection.Reason.allCases {
            writer.sample(ExpositionWriter.labels(["reason": reason.rawValue]), counters.rejected[reason] ?? 0)
        }

        writer.family("funnel_pipelines", .gauge, help: "Pipelines tracked.")
        writer.sample(UInt64(ledger.pipelineNames.count))
        writer.family("funnel_series", .gauge, help: "(pipeline, stage) series tracked; reports beyond funnel_series_limit are refused.")
        writer.sample(UInt64(ledger.seriesCount))
        writer.family("funnel_series_limit", .gauge, help: "The most (pipeline, stage) series Funnel tracks (limits.max_series).")
        writer.sample(UInt64(ledger.policy.maximumSeries))

        writer.family("funnel_stage_events", .counter, help: "Events reported per stage and outcome, settled or not.")
        for (pipelineIndex, (pipeline, _)) in funnels.enumerated() {
            for stage in pipeline.stages.indices {
                for outcome in Outcome.allCases {
                    writer.sample(stageLabels[pipelineIndex][stage], outcomeLabels[Int(outcome.rawValue)], pipeline.total[stage][outcome])
                }
            }
        }
        writer.family(
            "funnel_stage_settled_events", .counter,
            help: "Events per stage and outcome in settled event-time buckets; differences of these are exact loss."
        )
        for (pipelineIndex, (pipeline, _)) in funnels.enumerated() {
            for stage in pipeline.stages.indices {
                for outcome in Outcome.allCases {
                    writer.sample(stageLabels[pipelineIndex][stage], outcomeLabels[Int(outcome.rawValue)], pipeline.settled[stage][outcome])
                }
            }
        }
        Self.stageGauge(&writer, "funnel_stage_lost_events", "Silent loss per stage in settled buckets within retention.", funnels, stageLabels, \.lost)
        Self.stageGauge(&writer, "funnel_stage_excess_events", "Events out beyond events in per stage (duplicate or missing reports), settled, within retention.", funnels, stageLabels, \.excess)
        Self.stageGauge(&writer, "funnel_stage_in_flight_events", "Events in a stage's unsettled buckets not yet passed, failed or dead-lettered.", funnels, stageLabels, \.inFlight)
        writer.family("funnel_stage_position", .gauge, help: "Position of the stage in its pipeline, from 0.")
        for (pipelineIndex, (pipeline, _)) in funnels.enumerated() {
            for stage in pipeline.stages.indices { writer.sample(stageLabels[pipelineIndex][stage], UInt64(stage)) }
        }
        writer.family("funnel_late_events", .counter, help: "Events reported for event-time buckets that had already settled.")
        for (pipelineIndex, (pipeline, _)) in funnels.enumerated() {
            for stage in pipeline.stages.indices { writer.sample(stageLabels[pipelineIndex][stage], pipeline.lateEvents[stage]) }
        }

        let hopLabels: [[ExpositionLabels]] = funnels.map { pipeline, funnel in
            funnel.transit.map { ExpositionLabels(["pipeline": pipeline.name, "from_stage": $0.from, "to_stage": $0.to]) }
        }
        Self.transitGauge(&writer, "funnel_transit_lost_events", "Events passed by from_stage but never received by to_stage, settled, within retention.", funnels, hopLabels, \.lost)
        Self.transitGauge(&writer, "funnel_transit_excess_events", "Events received by to_stage beyond those passed by from_stage, settled, within retention.", funnels, hopLabels, \.excess)
        Self.transitGauge(&writer, "funnel_transit_in_flight_events", "Events passed by from_stage and not yet received by to_stage in unsettled buckets.", funnels, hopLabels, \.inFlight)

        Self.renderLatency(&writer, ledger: ledger, funnels: funnels, stageLabels: stageLabels)

        let queues = ledger.queues.snapshot(nowMillis: ledger.latestMillis)
        let queueLabels = queues.map { ExpositionWriter.labels(["pipeline": $0.pipeline, "queue": $0.queue]) }
        writer.family("funnel_dlq_depth", .gauge, help: "Last reported depth of each dead-letter queue (the last value, also when stale).")
        for (index, queue) in queues.enumerated() { writer.sample(queueLabels[index], queue.depth) }
        writer.family("funnel_dlq_depth_age_seconds", .gauge, help: "Seconds since each dead-letter queue's depth was observed.")
        for (index, queue) in queues.enumerated() { writer.sample(queueLabels[index], queue.ageSeconds) }
        writer.family("funnel_dlq_depth_stale", .gauge, help: "1 when a dead-letter queue's depth was not refreshed within stale_after.")
        for (index, queue) in queues.enumerated() { writer.sample(queueLabels[index], UInt64(queue.stale ? 1 : 0)) }
        if !sources.isEmpty { Self.renderSources(&writer, sources) }

        writer.family("funnel_pipeline_delivery_ratio", .gauge, help: "Delivered (passed by the last stage) over ingested (received by the first), settled, within retention.")
        for (pipeline, funnel) in funnels {
            if let ratio = funnel.totals.deliveryRatio {
                writer.sample(ExpositionWriter.labels(["pipeline": pipeline.name]), ratio)
            }
        }
        writer.family("funnel_alarm_state", .gauge, help: "State of each alarm: 0 inactive, 1 pending, 2 firing.")
        for alarm in alarms { writer.sample(ExpositionWriter.labels(["alarm": alarm.name]), alarm.state.metricValue) }
        writer.family("funnel_webhook_deliveries", .counter, help: "Webhook delivery attempts by receiver and result (success, retry, failure).")
        for receiver in webhooks.deliveries.keys.sorted() {
            for result in WebhookCounters.results {
                writer.sample(ExpositionWriter.labels(["receiver": receiver, "result": result]), webhooks.deliveries[receiver]?[result] ?? 0)
            }
        }
        writer.family("funnel_webhook_outbox_depth", .gauge, help: "Notifications waiting in the webhook outbox.")
        writer.sample(UInt64(webhooks.outboxDepth))
        if let statsd { Self.renderStatsD(&writer, statsd) }
        return writer.finish()
    }

    // MARK: DLQ sources

    private static func renderSources(_ writer: inout ExpositionWriter, _ sources: [DLQSourceStatus]) {
        let sourceLabels = sources.map { ExpositionWriter.labels(["source": $0.source]) }
        writer.family("funnel_dlq_source_up", .gauge, help: "1 when the last poll of a DLQ source succeeded, 0 when it failed or timed out (absent before the first poll).")
        for source in sources {
            guard let up = source.up else { continue }
            let labels = ExpositionWriter.labels(["source": source.source, "kind": source.kind.rawValue, "pipeline": source.pipeline, "queue": source.queue])
            writer.sample(labels, UInt64(up ? 1 : 0))
        }
        writer.family("funnel_dlq_source_polls", .counter, help: "Polls of each DLQ source, by result (ok, error, timeout).")
        for (index, source) in sources.enumerated() {
            let prefix = String(sourceLabels[index].dropLast()) + ",result=\""
            writer.sample(prefix + "ok\"}", source.polls.ok)
            writer.sample(prefix + "error\"}", source.polls.error)
            writer.sample(prefix + "timeout\"}", source.polls.timeout)
        }
        writer.family("funnel_dlq_source_last_success_timestamp_seconds", .gauge, help: "Unix time of the last successful poll of each DLQ source.")
        for (index, source) in sources.enumerated() {
            if let seconds = source.lastSuccessUnixSeconds { writer.sample(sourceLabels[index], seconds) }
        }
        writer.family("funnel_dlq_source_not_visible_messages", .gauge, help: "SQS: messages received by a consumer and not yet deleted, at the last successful poll.")
        for (index, source) in sources.enumerated() {
            if let count = source.notVisible { writer.sample(sourceLabels[index], count) }
        }
        writer.family("funnel_dlq_source_oldest_message_age_seconds", .gauge, help: "Age of the oldest message, where the queue reports it, at the last successful poll.")
        for (index, source) in sources.enumerated() {
            if let age = source.oldestAgeSeconds { writer.sample(sourceLabels[index], age) }
        }
    }

    // MARK: Latency

    private static func renderLatency(
        _ writer: inout ExpositionWriter, ledger: FunnelLedger, funnels: [(PipelineLedger, PipelineFunnel)], stageLabels: [[ExpositionLabels]]
    ) {
        let buckets = writer.bucketLabels(bounds: ledger.latency.bucketsSeconds)
        let windowLabels = LatencyWindow.allCases.map { ExpositionLabels(["window": $0.rawValue]) }
        let now = ledger.latestMillis
        writer.family("funnel_stage_latency_seconds", .histogram, help: "Latency of each stage's events, as reported.")
        for (pipelineIndex, (pipeline, _)) in funnels.enumerated() {
            for (index, stage) in pipeline.stages.enumerated() {
                guard let series = ledger.latency.stages[StageKey(pipeline: pipeline.name, stage: stage)] else { continue }
                let histogram = series.histogram
                writer.histogram(
                    stageLabels[pipelineIndex][index], buckets: buckets, cumulativeCounts: histogram.cumulativeCounts,
                    sum: histogram.sumSeconds, count: histogram.count
                )
            }
        }
        writer.family(
            "funnel_stage_latency_quantile_seconds", .summary,
            help: "Latency percentiles of each stage over sliding windows of arrival time (1m, 5m, 1h), within 1% relative error."
        )
        for (pipelineIndex, (pipeline, _)) in funnels.enumerated() {
            for (index, stage) in pipeline.stages.enumerated() {
                for (windowIndex, window) in LatencyWindow.allCases.enumerated() {
                    let sketch = ledger.latency.sketch(stage: StageKey(pipeline: pipeline.name, stage: stage), window: window, nowMillis: now)
                    guard !sketch.isEmpty else { continue }
                    Self.summary(&writer, stageLabels[pipelineIndex][index].appending(windowLabels[windowIndex]), sketch)
                }
            }
        }
        writer.family("funnel_pipeline_end_to_end_latency_seconds", .histogram, help: "Latency from entering the pipeline to delivery, as reported.")
        for (pipeline, _) in funnels {
            guard let series = ledger.latency.endToEnd[pipeline.name] else { continue }
            writer.histogram(
                ExpositionLabels(["pipeline": pipeline.name]), buckets: buckets,
                cumulativeCounts: series.histogram.cumulativeCounts, sum: series.histogram.sumSeconds, count: series.histogram.count
            )
        }
        writer.family(
            "funnel_pipeline_end_to_end_latency_quantile_seconds", .summary,
            help: "End-to-end latency percentiles over sliding windows of arrival time (1m, 5m, 1h), within 1% relative error."
        )
        for (pipeline, _) in funnels {
            for window in LatencyWindow.allCases {
                let sketch = ledger.latency.endToEndSketch(pipeline: pipeline.name, window: window, nowMillis: now)
                guard !sketch.isEmpty else { continue }
                Self.summary(&writer, ExpositionLabels(["pipeline": pipeline.name, "window": window.rawValue]), sketch)
            }
        }
    }

    private static func summary(_ writer: inout ExpositionWriter, _ labels: ExpositionLabels, _ sketch: LatencySketch) {
        writer.summary(
            labels,
            quantiles: zip(Self.quantileLabels, LatencyQuantiles.reported).map { ($0, (sketch.quantile($1.q) ?? 0) / 1000) },
            sum: sketch.sum / 1000,
            count: sketch.count
        )
    }

    /// The `quantile` label of each reported quantile.
    private static let quantileLabels = LatencyQuantiles.reported.map { ExpositionLabels(["quantile": $0.label]) }

    private static func stageGauge(
        _ writer: inout ExpositionWriter, _ name: String, _ help: String,
        _ funnels: [(PipelineLedger, PipelineFunnel)], _ stageLabels: [[ExpositionLabels]], _ value: KeyPath<StageFunnel, UInt64>
    ) {
        writer.family(name, .gauge, help: help)
        for (pipelineIndex, (_, funnel)) in funnels.enumerated() {
            for stage in funnel.stages {
                writer.sample(stageLabels[pipelineIndex][stage.position], stage[keyPath: value])
            }
        }
    }

    private static func transitGauge(
        _ writer: inout ExpositionWriter, _ name: String, _ help: String,
        _ funnels: [(PipelineLedger, PipelineFunnel)], _ hopLabels: [[ExpositionLabels]], _ value: KeyPath<TransitFunnel, UInt64>
    ) {
        writer.family(name, .gauge, help: help)
        for (pipelineIndex, (_, funnel)) in funnels.enumerated() {
            for (hopIndex, hop) in funnel.transit.enumerated() {
                writer.sample(hopLabels[pipelineIndex][hopIndex], hop[keyPath: value])
            }
        }
    }
}
