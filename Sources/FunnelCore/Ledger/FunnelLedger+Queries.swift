extension FunnelLedger {
    // MARK: Queries

    /// The funnel of `pipeline` over event time `[fromMillis, toMillis)`, by bucket start; nil bounds mean everything retained.
    ///
    /// Counts are summed over the range first and differenced after, so an event counted in neighbouring buckets by
    /// two stages is not loss. Call ``settle(nowMillis:)`` first so "settled" means settled now.
    /// Latency figures cover `latencyWindow` ending at the latest time the ledger was settled to; without
    /// `includeLatency` they are left empty (`/metrics` writes latency families of its own).
    public func funnel(
        pipeline: String,
        fromMillis: Int64? = nil,
        toMillis: Int64? = nil,
        includeBuckets: Bool = false,
        latencyWindow: LatencyWindow = .fiveMinutes,
        includeLatency: Bool = true
    ) -> PipelineFunnel? {
        guard let ledger = self.pipeline(named: pipeline) else { return nil }
        return self.funnel(
            of: ledger, fromMillis: fromMillis, toMillis: toMillis, includeBuckets: includeBuckets, latencyWindow: latencyWindow,
            includeLatency: includeLatency
        )
    }

    /// The funnel of `ledger`: a pipeline's, or the sum of some of its label groups laid out like it.
    func funnel(
        of ledger: PipelineLedger, fromMillis: Int64?, toMillis: Int64?, includeBuckets: Bool, latencyWindow: LatencyWindow, includeLatency: Bool
    ) -> PipelineFunnel {
        let pipeline = ledger.name
        let stageCount = ledger.stages.count
        var settled: [StageCounts]
        var unsettled: [StageCounts]
        let inRange: (Int64) -> Bool = { start in
            (fromMillis.map { Int128(start) * 1000 >= Int128($0) } ?? true) && (toMillis.map { Int128(start) * 1000 < Int128($0) } ?? true)
        }
        if fromMillis == nil, toMillis == nil {
            settled = zip(ledger.settled, ledger.pruned).map { $0 - $1 }
            unsettled = zip(ledger.total, ledger.settled).map { $0 - $1 }
        } else {
            settled = Array(repeating: .zero, count: stageCount)
            unsettled = settled
            for (start, bucket) in ledger.buckets where inRange(start) {
                let isSettled = ledger.isSettled(bucketStart: start)
                for (index, counts) in bucket.stages.enumerated() {
                    if isSettled { settled[index] += counts } else { unsettled[index] += counts }
                }
            }
        }

        var stages: [StageFunnel] = []
        var transit: [TransitFunnel] = []
        for index in 0..<stageCount {
            let all = settled[index] + unsettled[index]
            let split = LossSplit(settled: settled[index].unaccounted, unsettled: unsettled[index].unaccounted)
            stages.append(
                StageFunnel(
                    name: ledger.stages[index], position: index,
                    received: all.received, passed: all.passed, failed: all.failed, deadLettered: all.deadLettered,
                    lost: split.lost, inFlight: split.inFlight, excess: split.excess, lossShare: 0, lateEvents: ledger.lateEvents[index],
                    settled: settled[index],
                    latencyMs: LatencyQuantiles(
                        includeLatency
                            ? self.latency.sketch(stage: StageKey(pipeline: pipeline, stage: ledger.stages[index]), window: latencyWindow, nowMillis: self.latestMillis)
                            : LatencySketch()
                    ),
                    redelivered: all.redelivered, redriven: all.redriven, replayed: all.replayed
                )
            )
            stages[index].watermarkViolations = ledger.watermarkViolations[index]
            if let watermark = self.stageWatermark(pipeline: pipeline, stage: ledger.stages[index], nowMillis: self.latestMillis) {
                stages[index].watermark = EventTimestamp.formatRFC3339(millis: watermark)
                stages[index].watermarkLagSeconds = max(0, Double(self.latestMillis) - Double(watermark)) / 1000
            }
            if index > 0 {
                let hop = LossSplit(
                    settled: LossSplit.transit(from: settled[index - 1], to: settled[index]),
                    unsettled: LossSplit.transit(from: unsettled[index - 1], to: unsettled[index])
                )
                transit.append(
                    TransitFunnel(
                        from: ledger.stages[index - 1], to: ledger.stages[index],
                        passed: settled[index - 1].passed, received: settled[index].received,
                        lost: hop.lost, inFlight: hop.inFlight, excess: hop.excess,
                        lossShare: 0
                    )
                )
            }
        }
        let totalLost = stages.lazy.map(\.lost).saturatingSum().addingSaturated(transit.lazy.map(\.lost).saturatingSum())
        if totalLost > 0 {
            for index in stages.indices { stages[index].lossShare = Double(stages[index].lost) / Double(totalLost) }
            for index in transit.indices { transit[index].lossShare = Double(transit[index].lost) / Double(totalLost) }
        }
        let settledIngested = settled.first?.received ?? 0
        let settledDelivered = settled.last?.passed ?? 0
        let totals = FunnelTotals(
            ingested: stages.first?.received ?? 0,
            delivered: stages.last?.passed ?? 0,
            settledIngested: settledIngested,
            settledDelivered: settledDelivered,
            deliveryRatio: FunnelTotals.deliveryRatio(ingested: settledIngested, delivered: settledDelivered),
            lost: totalLost,
            excess: stages.lazy.map(\.excess).saturatingSum().addingSaturated(transit.lazy.map(\.excess).saturatingSum()),
            inFlight: stages.lazy.map(\.inFlight).saturatingSum().addingSaturated(transit.lazy.map(\.inFlight).saturatingSum()),
            recovery: RecoveryFigures(settled)
        )
        var funnel = PipelineFunnel(
            pipeline: pipeline,
            from: fromMillis.map { EventTimestamp.formatRFC3339(millis: $0) },
            to: toMillis.map { EventTimestamp.formatRFC3339(millis: $0) },
            bucketSeconds: ledger.settings.bucketSeconds,
            settleAfterSeconds: ledger.settings.settleAfterSeconds,
            settledBefore: ledger.settledBoundary == .min ? nil : EventTimestamp.formatRFC3339(millis: ledger.settledBoundary * 1000),
            latencyWindow: latencyWindow,
            endToEndLatencyMs: LatencyQuantiles(
                includeLatency ? self.latency.endToEndSketch(pipeline: pipeline, window: latencyWindow, nowMillis: self.latestMillis) : LatencySketch()
            ),
            stages: stages,
            transit: transit,
            totals: totals,
            buckets: includeBuckets ? Self.bucketDetail(ledger, inRange) : nil
        )
        funnel.errorBudget = self.errorBudget(pipeline: pipeline)
        return funnel
    }

    private static func bucketDetail(_ ledger: PipelineLedger, _ inRange: (Int64) -> Bool) -> [BucketFunnel] {
        ledger.buckets.filter { inRange($0.key) }.sorted { $0.key < $1.key }.map { start, bucket in
            let isSettled = ledger.isSettled(bucketStart: start)
            var stages: [BucketFunnel.Stage] = []
            var transit: [BucketFunnel.Transit] = []
            for index in ledger.stages.indices {
                let counts = index < bucket.stages.count ? bucket.stages[index] : .zero
                let split = LossSplit(counts.unaccounted, isSettled: isSettled)
                stages.append(
                    BucketFunnel.Stage(
                        name: ledger.stages[index], received: counts.received, passed: counts.passed, failed: counts.failed,
                        deadLettered: counts.deadLettered, redelivered: counts.redelivered, redriven: counts.redriven,
                        replayed: counts.replayed, dlqOutstanding: counts.dlqOutstanding,
                        lost: split.lost, inFlight: split.inFlight, excess: split.excess
                    )
                )
                if index > 0 {
                    let previous = index - 1 < bucket.stages.count ? bucket.stages[index - 1] : .zero
                    let hop = LossSplit(LossSplit.transit(from: previous, to: counts), isSettled: isSettled)
                    transit.append(
                        BucketFunnel.Transit(
                            from: ledger.stages[index - 1], to: ledger.stages[index],
                            lost: hop.lost, inFlight: hop.inFlight, excess: hop.excess
                        )
                    )
                }
            }
            let figures = RecoveryFigures(ledger.stages.indices.map { $0 < bucket.stages.count ? bucket.stages[$0] : .zero })
            return BucketFunnel(
                start: EventTimestamp.formatRFC3339(millis: start * 1000),
                end: EventTimestamp.formatRFC3339(millis: (start + ledger.settings.bucketSeconds) * 1000),
                settled: isSettled, settledBy: isSettled ? (ledger.settledByWatermark.contains(start) ? "watermark" : "grace") : nil,
                ingested: figures.ingested, delivered: figures.delivered, recovered: figures.recovered,
                recoverable: figures.recoverable, netMissing: isSettled ? figures.netMissing : 0,
                stages: stages, transit: transit
            )
        }
    }
}
