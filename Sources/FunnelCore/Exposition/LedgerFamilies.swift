/// The ledger's `/metrics` families: pipelines and series, stage and transit counts and loss, latency, DLQ depths.
///
/// Loss gauges cover settled buckets within retention; the `_total` counters are monotonic over the server's
/// whole history (pruned buckets stay counted), so PromQL can compute exact loss from
/// `funnel_stage_settled_events_total` with `increase()`. Each pipeline's delivery figures are in ``PipelineDelivery``.
public struct LedgerFamilies: MetricsSource {
    /// The ledger as the scrape sees it, settled to now.
    public let ledger: FunnelLedger
    /// Each series' labels, rendered when the series appeared; rendered anew when they are not `ledger`'s.
    public let labels: LedgerLabelSets?

    /// The families of `ledger`, with the label sets of an earlier scrape when its series are still the same.
    public init(_ ledger: FunnelLedger, labels: LedgerLabelSets? = nil) {
        self.ledger = ledger
        self.labels = labels
    }

    /// The label sets this scrape writes: the given ones when they still fit the ledger, else new ones.
    public var currentLabels: LedgerLabelSets {
        if let labels = self.labels, labels.fits(self.ledger) { return labels }
        return LedgerLabelSets(self.ledger)
    }

    /// Writes every family of the ledger into `writer`.
    public func emit(into writer: inout ExpositionWriter) {
        let ledger = self.ledger
        // About 1.2 KB per (pipeline, stage), 3 KB with its latency families: room made once, not grown a dozen times.
        writer.reserveCapacity(64 * 1024 + ledger.seriesCount * 1280)
        // Label sets rendered when their series appeared (``LedgerLabelSets``), and the funnel's gauges in flat
        // arrays, in the same order; `stageBase[p] + s` is stage `s` of pipeline `p`.
        let pipelines = ledger.pipelines
        let labels = self.currentLabels
        let (stageSets, hopSets, stageBase) = (labels.stages, labels.hops, labels.stageBase)
        var stageGauges = FunnelGauges(reservingCapacity: ledger.seriesCount)
        var hopGauges = FunnelGauges(reservingCapacity: ledger.seriesCount)
        for pipeline in pipelines {
            let funnel = ledger.funnel(pipeline: pipeline.name, includeLatency: false)
            for stage in funnel?.stages ?? [] { stageGauges.append(lost: stage.lost, excess: stage.excess, inFlight: stage.inFlight) }
            for hop in funnel?.transit ?? [] { hopGauges.append(lost: hop.lost, excess: hop.excess, inFlight: hop.inFlight) }
        }
        let outcomeLabels = Outcome.allCases.map { ExpositionLabels(["outcome": $0.name]) }

        writer.family("funnel_pipelines", .gauge, help: "Pipelines tracked.")
        writer.sample(UInt64(ledger.pipelines.count))
        writer.family("funnel_series", .gauge, help: "(pipeline, stage) series tracked; reports beyond funnel_series_limit are refused.")
        writer.sample(UInt64(ledger.seriesCount))
        writer.family("funnel_series_limit", .gauge, help: "The most (pipeline, stage) series Funnel tracks (limits.max_series).")
        writer.sample(UInt64(ledger.policy.maximumSeries))

        // A pipeline that declares labels has one series per label group (the declared labels beside pipeline and
        // stage; a label left out is absent): `sum by (pipeline, stage, outcome)` is the pipeline's own count.
        let groupLabels = pipelines.map(Self.groupLabels)
        writer.family("funnel_stage_events", .counter, help: "Events reported per stage and outcome, settled or not.")
        for index in pipelines.indices {
            if pipelines[index].labels.isEmpty {
                Self.outcomeSamples(&writer, stageSets, stageBase[index], pipelines[index].total, outcomeLabels)
            } else {
                Self.groupSamples(&writer, pipelines[index], groupLabels[index], \.total, outcomeLabels)
            }
        }
        writer.family(
            "funnel_stage_settled_events", .counter,
            help: "Events per stage and outcome in settled event-time buckets; differences of these are exact loss."
        )
        for index in pipelines.indices {
            if pipelines[index].labels.isEmpty {
                Self.outcomeSamples(&writer, stageSets, stageBase[index], pipelines[index].settled, outcomeLabels)
            } else {
                Self.groupSamples(&writer, pipelines[index], groupLabels[index], \.settled, outcomeLabels)
            }
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

        Self.latency(&writer, ledger: ledger, pipelines: pipelines, stageSets: stageSets, stageBase: stageBase)

        let queues = ledger.queues.snapshot(nowMillis: ledger.latestMillis)
        let queueLabels = queues.map { ExpositionWriter.labels(["pipeline": $0.pipeline, "queue": $0.queue]) }
        writer.family("funnel_dlq_depth", .gauge, help: "Last reported depth of each dead-letter queue (the last value, also when stale).")
        for (index, queue) in queues.enumerated() { writer.sample(queueLabels[index], queue.depth) }
        writer.family("funnel_dlq_depth_age_seconds", .gauge, help: "Seconds since each dead-letter queue's depth was observed.")
        for (index, queue) in queues.enumerated() { writer.sample(queueLabels[index], queue.ageSeconds) }
        writer.family("funnel_dlq_depth_stale", .gauge, help: "1 when a dead-letter queue's depth was not refreshed within stale_after.")
        for (index, queue) in queues.enumerated() { writer.sample(queueLabels[index], UInt64(queue.stale ? 1 : 0)) }
        LabelFamilies(ledger: ledger).emit(into: &writer)
    }

    /// The labels of each stage of each label group of `pipeline`, group by group; none for a pipeline without labels.
    private static func groupLabels(_ pipeline: PipelineLedger) -> [[ExpositionLabels]] {
        guard !pipeline.labels.isEmpty else { return [] }
        return pipeline.labels.order.map { group in
            var labels = ExpositionLabels(["pipeline": pipeline.name])
            for (name, value) in zip(pipeline.labels.names, group.values) where !value.isEmpty { labels = labels.appending(name, value) }
            return pipeline.stages.map { labels.appending("stage", $0) }
        }
    }

    /// One sample per (group, stage, outcome) of a pipeline that declares labels, from each group's `counts`.
    private static func groupSamples(
        _ writer: inout ExpositionWriter, _ pipeline: PipelineLedger, _ labels: [[ExpositionLabels]], _ counts: KeyPath<PipelineLedger, [StageCounts]>,
        _ outcomeLabels: [ExpositionLabels]
    ) {
        for (position, group) in pipeline.labels.order.enumerated() {
            let groupCounts = pipeline.labels.groups[group]![keyPath: counts]
            for stage in pipeline.stages.indices {
                let stageCounts = stage < groupCounts.count ? groupCounts[stage] : .zero
                for outcome in Outcome.allCases {
                    writer.sample(labels[position][stage], outcomeLabels[Int(outcome.rawValue)], stageCounts[outcome])
                }
            }
        }
    }

    /// One sample per (stage, outcome) of one pipeline, from its counts per stage.
    ///
    /// Every outcome has a sample from the start, recovery outcomes included, so `increase()` sees a redrive's
    /// first events (a series that appears with its first count loses that count to `increase()`).
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
