/// Measures the value an alarm rule compares with its threshold, from the ledger as it is now.
enum AlarmMeasurement {
    /// The rule's current value, or nil when there is no data to judge by.
    static func value(
        of kind: AlarmKind, ledger: FunnelLedger, history: AlarmHistory, nowMillis: Int64, sources: [DLQSourceStatus] = []
    ) -> Double? {
        switch kind {
        case .dlqSourceDown:
            let known = Self.sources(of: kind, in: sources).compactMap(\.up)
            guard !known.isEmpty else { return nil }
            return known.contains(false) ? 1 : 0
        case .dlqDepth(let pipeline, let queue, _):
            return ledger.queues.queues[QueueKey(pipeline: pipeline, queue: queue)].map { Double($0.depth) }
        case .dlqGrowth(_, _, let windowSeconds):
            guard let (first, last) = history.span(windowSeconds: windowSeconds, nowMillis: nowMillis), last.millis > first.millis else {
                return nil
            }
            return Double(last.primary.subtractingSaturated(first.primary)) / (Double(last.millis - first.millis) / 60_000)
        case .silentLoss(let pipeline, _, let windowSeconds), .transitLoss(let pipeline, _, _, let windowSeconds),
            .deliveryRatio(let pipeline, let windowSeconds):
            guard let funnel = Self.settledFunnel(ledger, pipeline, windowSeconds) else { return nil }
            return Self.value(of: kind, stages: funnel.stages, transit: funnel.transit, totals: funnel.totals)
        case .latency(let pipeline, let stage, let percentile, let window):
            let sketch =
                stage.map { ledger.latency.sketch(stage: StageKey(pipeline: pipeline, stage: $0), window: window, nowMillis: nowMillis) }
                ?? ledger.latency.endToEndSketch(pipeline: pipeline, window: window, nowMillis: nowMillis)
            return sketch.quantile(percentile / 100)
        case .watermarkLag(let pipeline, let stage):
            guard let stages = stage.map({ [$0] }) ?? ledger.pipeline(named: pipeline)?.stages else { return nil }
            let watermarks = stages.compactMap { ledger.lastKnownWatermark(pipeline: pipeline, stage: $0, nowMillis: nowMillis) }
            guard let lowest = watermarks.min() else { return nil }
            return max(0, Double(nowMillis) - Double(lowest)) / 1000
        case .comparison(let comparison, let measure, let windowSeconds):
            guard let report = ledger.recentComparison(comparison, windowSeconds: windowSeconds) else { return nil }
            switch measure {
            case .deliveryGap:
                guard let baseline = report.baseline.deliveryRatio, let candidate = report.candidate.deliveryRatio else { return nil }
                return baseline - candidate
            case .inputMismatch:
                guard report.settledBuckets > 0 else { return nil }
                return Double(report.inputMismatch)
            }
        case .stalled(_, _, let windowSeconds):
            guard let (first, last) = history.span(windowSeconds: windowSeconds, nowMillis: nowMillis),
                last.millis - first.millis >= windowSeconds * 1000
            else { return nil }
            let upstreamPassed = last.secondary.subtractingSaturated(first.secondary)
            guard upstreamPassed > 0, last.primary == first.primary else { return 0 }
            return Double(nowMillis - history.lastChangeMillis) / 1000
        }
    }

    /// A loss or delivery rule's value from the funnel of its window: a pipeline's or one label group's.
    static func value(of kind: AlarmKind, stages: [StageFunnel], transit: [TransitFunnel], totals: FunnelTotals) -> Double? {
        switch kind {
        case .silentLoss(_, let stage, _):
            guard let line = stages.first(where: { $0.name == stage }), line.settled.received > 0 else { return nil }
            return Double(line.lost) / Double(line.settled.received)
        case .transitLoss(_, let from, let to, _):
            guard let hop = transit.first(where: { $0.from == from && (to == nil || $0.to == to) }), hop.passed > 0 else { return nil }
            return Double(hop.lost) / Double(hop.passed)
        case .deliveryRatio:
            return totals.deliveryRatio
        default:
            return nil
        }
    }

    /// A `by` rule's value for every value of its label with settled counts in the rule's window, in order of
    /// discovery.
    static func groupValues(of rule: AlarmRule, ledger: FunnelLedger) -> [(value: String, measured: Double?)] {
        guard let by = rule.by, let window = rule.kind.windowSeconds,
            let boundary = ledger.pipeline(named: rule.kind.pipeline)?.settledBoundary, boundary != .min,
            let grouped = try? ledger.groupedFunnel(pipeline: rule.kind.pipeline, by: by, fromMillis: (boundary - window) * 1000, toMillis: boundary * 1000)
        else { return [] }
        let order = ledger.pipeline(named: rule.kind.pipeline).map { pipeline in
            pipeline.labels.position(of: by).map(pipeline.labels.values(ofLabel:)) ?? []
        } ?? []
        let byValue = Dictionary(grouped.groups.map { ($0.value, $0) }, uniquingKeysWith: { first, _ in first })
        return order.compactMap { value in
            byValue[value].map { (value, Self.value(of: rule.kind, stages: $0.stages, transit: $0.transit, totals: $0.totals)) }
        }
    }

    /// The sources a `dlq_source_down` rule watches.
    static func sources(of kind: AlarmKind, in sources: [DLQSourceStatus]) -> [DLQSourceStatus] {
        guard case .dlqSourceDown(let pipeline, let queue, let source) = kind else { return [] }
        return sources.filter { status in
            status.pipeline == pipeline && (queue == nil || status.queue == queue) && (source == nil || status.source == source)
        }
    }

    /// What the history records each tick for kinds that look at change over time: (primary, secondary) totals.
    static func sample(of kind: AlarmKind, ledger: FunnelLedger) -> (primary: UInt64, secondary: UInt64)? {
        switch kind {
        case .dlqGrowth(let pipeline, let stage, _):
            guard let ledger = ledger.pipeline(named: pipeline) else { return (0, 0) }
            if let stage {
                return (ledger.position(of: stage).map { ledger.total[$0].deadLettered } ?? 0, 0)
            }
            return (ledger.total.lazy.map(\.deadLettered).saturatingSum(), 0)
        case .stalled(let pipeline, let stage, _):
            guard let ledger = ledger.pipeline(named: pipeline), let index = ledger.position(of: stage) else { return (0, 0) }
            let upstream = index > 0 ? ledger.total[index - 1].passed : 0
            return (ledger.total[index].received, upstream)
        default:
            return nil
        }
    }

    /// The funnel of the last settled `windowSeconds` of event time.
    static func settledFunnel(_ ledger: FunnelLedger, _ pipeline: String, _ windowSeconds: Int64, group: AlarmGroup? = nil) -> PipelineFunnel? {
        guard let boundary = ledger.pipeline(named: pipeline)?.settledBoundary, boundary != .min else { return nil }
        guard let group else { return ledger.funnel(pipeline: pipeline, fromMillis: (boundary - windowSeconds) * 1000, toMillis: boundary * 1000) }
        return try? ledger.funnel(
            pipeline: pipeline, labels: [group.label: group.value], fromMillis: (boundary - windowSeconds) * 1000, toMillis: boundary * 1000
        )
    }
}
