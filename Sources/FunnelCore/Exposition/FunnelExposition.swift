/// Renders the funnel and Funnel's own counters as `/metrics`.
///
/// Loss gauges cover settled buckets within retention; the `_total` counters are monotonic over the server's
/// whole history (pruned buckets stay counted), so PromQL can compute exact loss from
/// `funnel_stage_settled_events_total` with `increase()`.
public enum FunnelExposition {
    /// Writes every Funnel metric family for `ledger` and `counters` in `format`.
    ///
    /// `then` writes the families of sources outside the model (the StatsD listener's) after all of these.
    public static func render(
        ledger: FunnelLedger,
        counters: IngestCounters,
        version: String,
        format: ExpositionFormat,
        alarms: [AlarmStatus] = [],
        webhooks: WebhookCounters = WebhookCounters(),
        sources: [DLQSourceStatus] = [],
        connections: HTTPConnectionCounters? = nil,
        then: (inout ExpositionWriter) -> Void = { _ in }
    ) -> [UInt8] {
        var storage: [UInt8] = []
        let count = Self.render(
            into: &storage, ledger: ledger, counters: counters, version: version, format: format, alarms: alarms, webhooks: webhooks,
            sources: sources, connections: connections, then: then
        )
        storage.removeLast(storage.count - count)
        return storage
    }

    /// Writes every Funnel metric family over `storage` from its start and returns how many bytes it wrote; the rest
    /// of `storage` is room, kept so that the next scrape can write over it again.
    public static func render(
        into storage: inout [UInt8],
        ledger: FunnelLedger,
        counters: IngestCounters,
        version: String,
        format: ExpositionFormat,
        alarms: [AlarmStatus] = [],
        webhooks: WebhookCounters = WebhookCounters(),
        sources: [DLQSourceStatus] = [],
        connections: HTTPConnectionCounters? = nil,
        then: (inout ExpositionWriter) -> Void = { _ in }
    ) -> Int {
        // About 1.2 KB per (pipeline, stage), 3 KB with its latency families: room made once, not grown a dozen times.
        let reused = storage
        storage = []
        var writer = ExpositionWriter(format: format, reusing: consume reused, reservingCapacity: 64 * 1024 + ledger.seriesCount * 1280)
        // One pass over the pipelines: label sets for each stage and hop, rendered into one buffer, and the
        // funnel's gauges in flat arrays; `stageBase[p] + s` is stage `s` of pipeline `p`, `hopBase[p] + h` its hop `h`.
        let pipelines = ledger.pipelines
        var stageSets = ExpositionLabelSets(reservingCapacity: ledger.seriesCount)
        var hopSets = ExpositionLabelSets(reservingCapacity: ledger.seriesCount, bytesPerSet: 56)
        var stageBase: [Int] = []
        var hopBase: [Int] = []
        var stageGauges = FunnelGauges(reservingCapacity: ledger.seriesCount)
        var hopGauges = FunnelGauges(reservingCapacity: ledger.seriesCount)
        var deliveryRatios: [Double?] = []
        for pipeline in pipelines {
            guard let funnel = ledger.funnel(pipeline: pipeline.name, includeLatency: false) else { continue }
            deliveryRatios.append(funnel.totals.deliveryRatio)
            let pipelineLabel = ExpositionLabels(["pipeline": pipeline.name])
            stageBase.append(stageSets.count)
            for stage in pipeline.stages { stageSets.append(pipelineLabel, "stage", stage) }
            for stage in funnel.stages { stageGauges.append(lost: stage.lost, excess: stage.excess, inFlight: stage.inFlight) }
            hopBase.append(hopSets.count)
            for hop in funnel.transit {
                hopSets.append(pipelineLabel.appending("from_stage", hop.from), "to_stage", hop.to)
                hopGauges.append(lost: hop.lost, excess: hop.excess, inFlight: hop.inFlight)
            }
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

        if let connections { Self.connectionSamples(&writer, connections) }

        writer.family("funnel_pipelines", .gauge, help: "Pipelines tracked.")
        writer.sample(UInt64(ledger.pipelines.count))
        writer.family("funnel_series", .gauge, help: "(pipeline, stage) series tracked; reports beyond funnel_series_limit are refused.")
        writer.sample(UInt64(ledger.seriesCount))
        writer.family("funnel_series_limit", .gauge, help: "The most (pipeline, stage) series Funnel tracks (limits.max_series).")
        writer.sample(UInt64(ledger.policy.maximumSeries))

        writer.family("funnel_stage_events", .counter, help: "Events reported per stage and outcome, settled or not.")
        for index in pipelines.indices {
            Self.outcomeSamples(&writer, stageSets, stageBase[index], pipelines[index].total, outcomeLabels)
        }
        writer.family(
            "funnel_stage_settled_events", .counter,
            help: "Events per stage and outcome in settled event-time buckets; differences of these are exact loss."
        )
        for index in pipelines.indices {
            Self.outcomeSamples(&writer, stageSets, stageBase[index], pipelines[index].settled, outcomeLabels)
        }
        Self.gauge(&writer, "funnel_stage_lost_events", "Silent loss per stage in settled buckets within retention.", stageSets, stageGauges.lost)
        Self.gauge(&writer, "funnel_stage_excess_events", "Events out beyond events in per stage (duplicate or missing reports), settled, within retention.", stageSets, stageGauges.excess)
        Self.gauge(&writer, "funnel_stage_in_flight_events", "Events in a stage's unsettled buckets not yet passed, failed or dead-lettered.", stageSets, stageGauges.inFlight)
        writer.family("funnel_stage_position", .gauge, help: "Position of the stage in its pipeline, from 0.")
        for index in pipelines.indices {
            for stage in pipelines[index].stages.indices { writer.sample(stageSets, stageBase[index] + stage, UInt64(stage)) }
        }
        writer.family("funnel_late_events", .counter, help: "Events reported for event-time buckets that had already settled.")
        for index in pipelines.indices {
            let lateEvents = pipelines[index].lateEvents
            for stage in lateEvents.indices { writer.sample(stageSets, stageBase[index] + stage, lateEvents[stage]) }
        }

        Self.gauge(&writer, "funnel_transit_lost_events", "Events passed by from_stage but never received by to_stage, settled, within retention.", hopSets, hopGauges.lost)
        Self.gauge(&writer, "funnel_transit_excess_events", "Events received by to_stage beyond those passed by from_stage, settled, within retention.", hopSets, hopGauges.excess)
        Self.gauge(&writer, "funnel_transit_in_flight_events", "Events passed by from_stage and not yet received by to_stage in unsettled buckets.", hopSets, hopGauges.inFlight)

        Self.renderLatency(&writer, ledger: ledger, pipelines: pipelines, stageSets: stageSets, stageBase: stageBase)

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
        for (pipeline, ratio) in zip(pipelines, deliveryRatios) {
            if let ratio {
                writer.sample(ExpositionWriter.labels(["pipeline": pipeline.name]), ratio)
            }
        }
        writer.family("funnel_alarm_state", .gauge, help: "State of each alarm: 0 inactive, 1 pending, 2 firing.")
        for alarm in alarms { writer.sample(ExpositionWriter.labels(["alarm": alarm.name]), alarm.state.metricValue) }
        writer.family(
            "funnel_webhook_deliveries", .counter, help: "Webhook delivery attempts by receiver and result (success, retry, failure, rejected)."
        )
        for receiver in webhooks.deliveries.keys.sorted() {
            for result in WebhookCounters.results {
                writer.sample(ExpositionWriter.labels(["receiver": receiver, "result": result]), webhooks.deliveries[receiver]?[result] ?? 0)
            }
        }
        writer.family(
            "funnel_webhook_notifications_dropped", .counter,
            help: "Webhook notifications dropped unsent by receiver and reason (superseded by a newer one of the same alarm, outbox_full)."
        )
        for receiver in webhooks.dropped.keys.sorted() {
            for reason in WebhookCounters.dropReasons {
                writer.sample(ExpositionWriter.labels(["receiver": receiver, "reason": reason]), webhooks.dropped[receiver]?[reason] ?? 0)
            }
        }
        writer.family("funnel_webhook_outbox_depth", .gauge, help: "Notifications waiting in the webhook outbox.")
        writer.sample(UInt64(webhooks.outboxDepth))
        then(&writer)
        let (written, count) = writer.finishKeepingRoom()
        storage = written
        return count
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
        _ writer: inout ExpositionWriter, ledger: FunnelLedger, pipelines: [PipelineLedger], stageSets: ExpositionLabelSets, stageBase: [Int]
    ) {
        let buckets = writer.bucketLabels(bounds: ledger.latency.bucketsSeconds)
        let windowLabels = LatencyWindow.allCases.map { ExpositionLabels(["window": $0.rawValue]) }
        let now = ledger.latestMillis
        writer.family("funnel_stage_latency_seconds", .histogram, help: "Latency of each stage's events, as reported.")
        for (pipelineIndex, pipeline) in pipelines.enumerated() {
            for (index, stage) in pipeline.stages.enumerated() {
                guard let series = ledger.latency.stages[StageKey(pipeline: pipeline.name, stage: stage)] else { continue }
                let histogram = series.histogram
                writer.histogram(
                    stageSets, stageBase[pipelineIndex] + index, buckets: buckets, cumulativeCounts: histogram.cumulativeCounts,
                    sum: histogram.sumSeconds, count: histogram.count
                )
            }
        }
        writer.family(
            "funnel_stage_latency_quantile_seconds", .summary,
            help: "Latency percentiles of each stage over sliding windows of arrival time (1m, 5m, 1h), within 1% relative error."
        )
        for (pipelineIndex, pipeline) in pipelines.enumerated() {
            for (index, stage) in pipeline.stages.enumerated() {
                for (windowIndex, window) in LatencyWindow.allCases.enumerated() {
                    let sketch = ledger.latency.sketch(stage: StageKey(pipeline: pipeline.name, stage: stage), window: window, nowMillis: now)
                    guard !sketch.isEmpty else { continue }
                    writer.summary(
                        stageSets, stageBase[pipelineIndex] + index, windowLabels[windowIndex], quantiles: Self.quantiles(sketch), sum: sketch.sum / 1000,
                        count: sketch.count
                    )
                }
            }
        }
        writer.family("funnel_pipeline_end_to_end_latency_seconds", .histogram, help: "Latency from entering the pipeline to delivery, as reported.")
        for pipeline in pipelines {
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
        for pipeline in pipelines {
            for window in LatencyWindow.allCases {
                let sketch = ledger.latency.endToEndSketch(pipeline: pipeline.name, window: window, nowMillis: now)
                guard !sketch.isEmpty else { continue }
                writer.summary(ExpositionLabels(["pipeline": pipeline.name, "window": window.rawValue]), quantiles: Self.quantiles(sketch), sum: sketch.sum / 1000, count: sketch.count)
            }
        }
    }

    /// The reported quantiles of `sketch`, in seconds, with their `quantile` labels.
    private static func quantiles(_ sketch: LatencySketch) -> [(label: ExpositionLabels, value: Double)] {
        zip(Self.quantileLabels, LatencyQuantiles.reported).map { ($0, (sketch.quantile($1.q) ?? 0) / 1000) }
    }

    /// The `quantile` label of each reported quantile.
    private static let quantileLabels = LatencyQuantiles.reported.map { ExpositionLabels(["quantile": $0.label]) }

    /// One sample per (stage, outcome) of one pipeline, from its counts per stage.
    private static func outcomeSamples(
        _ writer: inout ExpositionWriter, _ stageSets: borrowing ExpositionLabelSets, _ base: Int, _ counts: [StageCounts], _ outcomeLabels: [ExpositionLabels]
    ) {
        for stage in counts.indices {
            for outcome in Outcome.allCases {
                writer.sample(stageSets, base + stage, outcomeLabels[Int(outcome.rawValue)], counts[stage][outcome])
            }
        }
    }

    /// A gauge family with one sample per label set, in order.
    private static func gauge(_ writer: inout ExpositionWriter, _ name: String, _ help: String, _ sets: borrowing ExpositionLabelSets, _ values: [UInt64]) {
        writer.family(name, .gauge, help: help)
        for index in values.indices {
            writer.sample(sets, index, values[index])
        }
    }
}
