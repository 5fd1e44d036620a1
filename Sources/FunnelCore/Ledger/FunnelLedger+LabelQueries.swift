extension FunnelLedger {
    // MARK: Queries by label

    /// The funnel of `pipeline` restricted to reports carrying every value of `labels` (label name to value); with no
    /// labels, the pipeline's own funnel. Latency figures are the pipeline's (latency is not kept per group).
    public func funnel(
        pipeline: String, labels: [String: String], fromMillis: Int64? = nil, toMillis: Int64? = nil, includeBuckets: Bool = false,
        latencyWindow: LatencyWindow = .fiveMinutes
    ) throws(LabelQueryError) -> PipelineFunnel {
        guard let ledger = self.pipeline(named: pipeline) else { throw .unknownPipeline(pipeline) }
        guard !labels.isEmpty else {
            return self.funnel(of: ledger, fromMillis: fromMillis, toMillis: toMillis, includeBuckets: includeBuckets, latencyWindow: latencyWindow, includeLatency: true)
        }
        let filter = try Self.filter(labels, ledger)
        let withBuckets = includeBuckets || fromMillis != nil || toMillis != nil
        let merged = ledger.labels.merged(matching: filter, like: ledger, withBuckets: withBuckets)
        var funnel = self.funnel(of: merged, fromMillis: fromMillis, toMillis: toMillis, includeBuckets: includeBuckets, latencyWindow: latencyWindow, includeLatency: true)
        funnel.labels = labels
        return funnel
    }

    /// The funnel of `pipeline` split by label `by`: one funnel per value seen (restricted to `labels`), worst settled
    /// loss (silent plus transit) first, then in order of discovery; `limit` keeps the first ones.
    public func groupedFunnel(
        pipeline: String, by label: String, labels: [String: String] = [:], fromMillis: Int64? = nil, toMillis: Int64? = nil,
        includeBuckets: Bool = false, limit: Int? = nil
    ) throws(LabelQueryError) -> GroupedFunnel {
        guard let ledger = self.pipeline(named: pipeline) else { throw .unknownPipeline(pipeline) }
        guard let position = ledger.labels.position(of: label) else {
            throw .unknownLabel(parameter: "by", label: label, pipeline: pipeline, declared: ledger.labels.names)
        }
        let filter = try Self.filter(labels, ledger)
        let withBuckets = includeBuckets || fromMillis != nil || toMillis != nil
        var groups: [(value: String, funnel: PipelineFunnel)] = []
        for (value, merged) in Self.mergedByValue(ledger, label: position, filter: filter, withBuckets: withBuckets) {
            let funnel = self.funnel(of: merged, fromMillis: fromMillis, toMillis: toMillis, includeBuckets: includeBuckets, latencyWindow: .fiveMinutes, includeLatency: false)
            if fromMillis != nil || toMillis != nil, funnel.stages.allSatisfy(\.countsNothing) { continue }
            groups.append((value, funnel))
        }
        let ranked = groups.enumerated().sorted { lhs, rhs in
            lhs.element.funnel.totals.lost != rhs.element.funnel.totals.lost
                ? lhs.element.funnel.totals.lost > rhs.element.funnel.totals.lost : lhs.offset < rhs.offset
        }.map(\.element)
        let kept = limit.map { Array(ranked.prefix(max(0, $0))) } ?? ranked
        return GroupedFunnel(
            pipeline: pipeline, by: label, labels: labels.isEmpty ? nil : labels,
            from: fromMillis.map { EventTimestamp.formatRFC3339(millis: $0) }, to: toMillis.map { EventTimestamp.formatRFC3339(millis: $0) },
            bucketSeconds: ledger.settings.bucketSeconds, settleAfterSeconds: ledger.settings.settleAfterSeconds,
            settledBefore: ledger.settledBoundary == .min ? nil : EventTimestamp.formatRFC3339(millis: ledger.settledBoundary * 1000),
            groupCount: groups.count,
            groups: kept.map { value, funnel in
                GroupedFunnel.Group(value: value, stages: funnel.stages, transit: funnel.transit, totals: funnel.totals, buckets: funnel.buckets)
            }
        )
    }

    /// The settled loss (silent plus transit, over the retained range) of every value of every label of `pipeline`
    /// that has some, in declared label order and order of discovery: what `funnel_label_lost_events` shows.
    public func labelLosses(pipeline: String) -> [(label: String, value: String, lost: UInt64)] {
        guard let ledger = self.pipeline(named: pipeline), !ledger.labels.isEmpty else { return [] }
        var losses: [(label: String, value: String, lost: UInt64)] = []
        for (position, label) in ledger.labels.names.enumerated() {
            for (value, merged) in Self.mergedByValue(ledger, label: position, filter: [], withBuckets: false) {
                let lost = self.funnel(of: merged, fromMillis: nil, toMillis: nil, includeBuckets: false, latencyWindow: .fiveMinutes, includeLatency: false).totals.lost
                if lost > 0 { losses.append((label, value, lost)) }
            }
        }
        return losses
    }

    /// The groups of `ledger` matching `filter`, summed per value of label `position`, in order of discovery.
    private static func mergedByValue(
        _ ledger: PipelineLedger, label position: Int, filter: [(position: Int, value: String)], withBuckets: Bool
    ) -> [(String, PipelineLedger)] {
        var order: [String] = []
        var merged: [String: PipelineLedger] = [:]
        for group in ledger.labels.order where group.matches(filter) {
            let value = group.values[position]
            if merged[value] == nil {
                order.append(value)
                merged[value] = ledger.withoutCounts
            }
            merged[value]!.absorb(ledger.labels.groups[group]!, withBuckets: withBuckets)
        }
        return order.map { ($0, merged[$0]!) }
    }

    /// `labels` as positions among `ledger`'s declared labels.
    private static func filter(_ labels: [String: String], _ ledger: PipelineLedger) throws(LabelQueryError) -> [(position: Int, value: String)] {
        var filter: [(position: Int, value: String)] = []
        for (name, value) in labels.sorted(by: { $0.key < $1.key }) {
            guard let position = ledger.labels.position(of: name) else {
                throw .unknownLabel(parameter: "label", label: name, pipeline: ledger.name, declared: ledger.labels.names)
            }
            filter.append((position, value))
        }
        return filter
    }

    /// Parses `label=name:value` query values into a filter; a name given twice keeps its last value.
    public static func labelFilter(_ values: [String]) throws(LabelQueryError) -> [String: String] {
        var labels: [String: String] = [:]
        for text in values {
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { throw .malformedFilter(text) }
            labels[String(text[..<colon])] = String(text[text.index(after: colon)...])
        }
        return labels
    }
}

extension StageFunnel {
    /// Whether the stage counted no event in the funnel's range.
    fileprivate var countsNothing: Bool {
        self.received == 0 && self.passed == 0 && self.failed == 0 && self.deadLettered == 0 && self.redelivered == 0 && self.redriven == 0
            && self.replayed == 0
    }
}
