/// The aggregator's whole state: every pipeline's counts, with admission, settling, pruning and funnel queries.
///
/// A pure value: the clock is passed in as `nowMillis` (Unix milliseconds) and nothing here touches a file or
/// socket. The server keeps one behind a lock: ``admit(_:nowMillis:)`` checks and shapes a request,
/// the server persists the returned ``ReportBatch``, then ``apply(_:nowMillis:)`` counts it.
public struct FunnelLedger: Sendable {
    public let policy: LedgerPolicy
    /// Pipeline names: declared ones first, then discovered ones in first-seen order.
    public private(set) var pipelineNames: [String] = []
    public private(set) var pipelines: [String: PipelineLedger] = [:]

    public init(policy: LedgerPolicy = LedgerPolicy()) {
        self.policy = policy
        for definition in policy.pipelines where self.pipelines[definition.name] == nil {
            self.pipelineNames.append(definition.name)
            self.pipelines[definition.name] = PipelineLedger(
                name: definition.name,
                settings: definition.settings,
                stages: definition.stages
            )
        }
    }

    // MARK: Ingest

    /// Checks reports against the time window and the cardinality limits, registers new stages, and aggregates.
    ///
    /// Either every report is admitted or none is: on a rejection nothing has changed.
    public mutating func admit(_ reports: [StageReport], nowMillis: Int64) throws(ReportRejection) -> ReportBatch {
        try self.admit(reports, latencies: [], nowMillis: nowMillis)
    }

    /// Admits reports together with latency observations that carry no counts (StatsD timers).
    ///
    /// Latencies are checked like reports; a rejection of one names index `reports.count + i`.
    /// Either everything is admitted or nothing is.
    public mutating func admit(
        _ reports: [StageReport],
        latencies: [LatencyObservation],
        nowMillis: Int64
    ) throws(ReportRejection) -> ReportBatch {
        var addedPipelines: [String] = []
        var addedStages: [String: [String]] = [:]
        for (index, report) in reports.enumerated() {
            try self.check(report.pipeline, report.stage, report.eventTimeMillis, index: index, nowMillis: nowMillis, &addedPipelines, &addedStages)
        }
        for (index, latency) in latencies.enumerated() {
            try self.check(
                latency.pipeline, latency.stage, latency.eventTimeMillis, index: reports.count + index, nowMillis: nowMillis,
                &addedPipelines, &addedStages
            )
        }

        var batch = ReportBatch()
        batch.reportCount = reports.count
        for report in reports {
            let settings = self.register(pipeline: report.pipeline, stage: report.stage, in: &batch)
            let start = settings.bucketStart(forMillis: report.eventTimeMillis ?? nowMillis)
            let key = BucketKey(pipeline: report.pipeline, stage: report.stage, outcome: report.outcome, bucketStart: start)
            batch.counts[key, default: 0] &+= report.count
            if report.latencyMillis != nil || !report.latencySamplesMillis.isEmpty {
                let latencyKey = BucketKey(pipeline: report.pipeline, stage: report.stage, outcome: .received, bucketStart: start)
                if let latency = report.latencyMillis {
                    batch.latencies[latencyKey, default: LatencyTotals()].record(latency, count: report.count)
                }
                for sample in report.latencySamplesMillis {
                    batch.latencies[latencyKey, default: LatencyTotals()].record(sample)
                }
            }
            if start < settings.settledBoundary(nowMillis: nowMillis) {
                batch.lateEvents[StageKey(pipeline: report.pipeline, stage: report.stage), default: 0] &+= report.count
            }
        }
        for latency in latencies {
            let settings = self.register(pipeline: latency.pipeline, stage: latency.stage, in: &batch)
            let start = settings.bucketStart(forMillis: latency.eventTimeMillis ?? nowMillis)
            let key = BucketKey(pipeline: latency.pipeline, stage: latency.stage, outcome: .received, bucketStart: start)
            batch.latencies[key, default: LatencyTotals()].record(latency.millis, count: latency.weight)
        }
        return batch
    }

    /// Refuses an entry outside the time window or beyond the cardinality limits, noting pipelines and stages it adds.
    private func check(
        _ pipeline: String, _ stage: String, _ eventTimeMillis: Int64?, index: Int, nowMillis: Int64,
        _ addedPipelines: inout [String], _ addedStages: inout [String: [String]]
    ) throws(ReportRejection) {
        let nowSeconds = PipelineSettings.floorSeconds(nowMillis)
        let settings = self.settings(for: pipeline)
        if let eventTime = eventTimeMillis {
            let aheadSeconds = (eventTime - nowMillis) / 1000
            if aheadSeconds > self.policy.maximumFutureSeconds {
                throw ReportRejection(
                    .eventTimeOutOfRange, index: index, field: "event_time",
                    "\(EventTimestamp.formatRFC3339(millis: eventTime)) is \(aheadSeconds)s in the future (limit \(self.policy.maximumFutureSeconds)s); check the sender's clock"
                )
            }
            let start = settings.bucketStart(forMillis: eventTime)
            if start + settings.bucketSeconds <= nowSeconds - self.policy.retentionSeconds {
                throw ReportRejection(
                    .eventTimeOutOfRange, index: index, field: "event_time",
                    "\(EventTimestamp.formatRFC3339(millis: eventTime)) is older than the retention of \(self.policy.retentionSeconds)s"
                )
            }
        }
        let known = self.pipelines[pipeline]
        if known == nil, !addedPipelines.contains(pipeline) {
            guard self.pipelineNames.count + addedPipelines.count < self.policy.maximumPipelines else {
                throw ReportRejection(
                    .tooManyPipelines, index: index, field: "pipeline",
                    "would add pipeline \(String(reflecting: pipeline)) beyond the limit of \(self.policy.maximumPipelines) pipelines"
                )
            }
            addedPipelines.append(pipeline)
        }
        if known?.position(of: stage) == nil, addedStages[pipeline, default: []].contains(stage) == false {
            let existing = known?.stages.count ?? 0
            guard existing + addedStages[pipeline, default: []].count < self.policy.maximumStagesPerPipeline else {
                throw ReportRejection(
                    .tooManyStages, index: index, field: "stage",
                    "would add stage \(String(reflecting: stage)) beyond the limit of \(self.policy.maximumStagesPerPipeline) stages in pipeline \(String(reflecting: pipeline))"
                )
            }
            addedStages[pipeline, default: []].append(stage)
        }
    }

    /// Adds a pipeline and stage seen for the first time, noting them in `batch`; returns the pipeline's settings.
    private mutating func register(pipeline: String, stage: String, in batch: inout ReportBatch) -> PipelineSettings {
        if self.pipelines[pipeline] == nil {
            batch.newPipelines[pipeline] = self.pipelineNames.count
            self.pipelineNames.append(pipeline)
            self.pipelines[pipeline] = PipelineLedger(name: pipeline, settings: self.settings(for: pipeline))
        }
        if self.pipelines[pipeline]!.position(of: stage) == nil {
            let position = self.pipelines[pipeline]!.addStage(stage)
            batch.newStages[StageKey(pipeline: pipeline, stage: stage)] = position
        }
        return self.pipelines[pipeline]!.settings
    }

    /// Counts an admitted (and persisted) batch.
    public mutating func apply(_ batch: ReportBatch, nowMillis: Int64) {
        self.settle(nowMillis: nowMillis)
        for (key, count) in batch.counts {
            let stage = self.ensureStage(pipeline: key.pipeline, stage: key.stage)
            self.pipelines[key.pipeline]!.add(count, stage: stage, outcome: key.outcome, bucketStart: key.bucketStart)
        }
        for (key, totals) in batch.latencies {
            let stage = self.ensureStage(pipeline: key.pipeline, stage: key.stage)
            self.pipelines[key.pipeline]!.addLatency(totals, stage: stage, bucketStart: key.bucketStart)
        }
        for (key, count) in batch.lateEvents {
            let stage = self.ensureStage(pipeline: key.pipeline, stage: key.stage)
            self.pipelines[key.pipeline]!.addLateEvents(count, stage: stage)
        }
    }

    /// Moves every pipeline's settled boundary up to `nowMillis`.
    public mutating func settle(nowMillis: Int64) {
        for name in self.pipelineNames {
            self.pipelines[name]!.settle(nowMillis: nowMillis)
        }
    }

    /// Drops buckets older than the retention, keeping their counts in the totals; returns what storage must drop.
    public mutating func prune(nowMillis: Int64) -> PrunedBuckets {
        self.settle(nowMillis: nowMillis)
        var pruned = PrunedBuckets()
        for name in self.pipelineNames {
            let stages = self.pipelines[name]!.stages
            let buckets = self.pipelines[name]!.prune(nowMillis: nowMillis, retentionSeconds: self.policy.retentionSeconds)
            for (start, bucket) in buckets {
                pruned.buckets.append(PrunedBuckets.Bucket(pipeline: name, bucketStart: start))
                for (index, counts) in bucket.stages.enumerated() where !counts.isZero {
                    pruned.counts[StageKey(pipeline: name, stage: stages[index]), default: .zero] += counts
                }
            }
        }
        return pruned
    }

    // MARK: Restore

    /// Restores a stage in its saved order (call in ascending position).
    public mutating func restoreStage(pipeline: String, stage: String) {
        _ = self.ensureStage(pipeline: pipeline, stage: stage)
    }

    /// Restores one saved bucket counter; settled totals follow on the next ``settle(nowMillis:)``.
    public mutating func restoreCount(_ count: UInt64, at key: BucketKey) {
        let stage = self.ensureStage(pipeline: key.pipeline, stage: key.stage)
        self.pipelines[key.pipeline]!.add(count, stage: stage, outcome: key.outcome, bucketStart: key.bucketStart)
    }

    /// Restores one saved bucket's latency totals.
    public mutating func restoreLatency(_ totals: LatencyTotals, pipeline: String, stage: String, bucketStart: Int64) {
        let index = self.ensureStage(pipeline: pipeline, stage: stage)
        self.pipelines[pipeline]!.addLatency(totals, stage: index, bucketStart: bucketStart)
    }

    /// Restores the counts of buckets that retention already dropped.
    public mutating func restorePruned(_ counts: StageCounts, pipeline: String, stage: String) {
        let index = self.ensureStage(pipeline: pipeline, stage: stage)
        self.pipelines[pipeline]!.addPruned(counts, stage: index)
    }

    /// Restores a stage's late-event counter.
    public mutating func restoreLateEvents(_ count: UInt64, pipeline: String, stage: String) {
        let index = self.ensureStage(pipeline: pipeline, stage: stage)
        self.pipelines[pipeline]!.addLateEvents(count, stage: index)
    }

    private mutating func ensureStage(pipeline: String, stage: String) -> Int {
        if self.pipelines[pipeline] == nil {
            self.pipelineNames.append(pipeline)
            self.pipelines[pipeline] = PipelineLedger(name: pipeline, settings: self.settings(for: pipeline))
        }
        return self.pipelines[pipeline]!.addStage(stage)
    }

    private func settings(for pipeline: String) -> PipelineSettings {
        self.pipelines[pipeline]?.settings ?? self.policy.settings(for: pipeline)
    }

    // MARK: Queries

    /// The funnel of `pipeline` over event time `[fromMillis, toMillis)`, by bucket start; nil bounds mean everything retained.
    ///
    /// Counts are summed over the range first and differenced after, so an event counted in neighbouring buckets by
    /// two stages is not loss. Call ``settle(nowMillis:)`` first so "settled" means settled now.
    public func funnel(pipeline: String, fromMillis: Int64? = nil, toMillis: Int64? = nil, includeBuckets: Bool = false) -> PipelineFunnel? {
        guard let ledger = self.pipelines[pipeline] else { return nil }
        let stageCount = ledger.stages.count
        var settled: [StageCounts]
        var unsettled: [StageCounts]
        var latency: [LatencyTotals]
        let inRange: (Int64) -> Bool = { start in
            (fromMillis.map { start * 1000 >= $0 } ?? true) && (toMillis.map { start * 1000 < $0 } ?? true)
        }
        if fromMillis == nil, toMillis == nil {
            settled = zip(ledger.settled, ledger.pruned).map { $0 - $1 }
            unsettled = zip(ledger.total, ledger.settled).map { $0 - $1 }
            latency = ledger.latency
        } else {
            settled = Array(repeating: .zero, count: stageCount)
            unsettled = settled
            latency = Array(repeating: LatencyTotals(), count: stageCount)
            for (start, bucket) in ledger.buckets where inRange(start) {
                let isSettled = ledger.isSettled(bucketStart: start)
                for (index, counts) in bucket.stages.enumerated() {
                    if isSettled { settled[index] += counts } else { unsettled[index] += counts }
                    latency[index].merge(bucket.latencies[index])
                }
            }
        }

        var stages: [StageFunnel] = []
        var transit: [TransitFunnel] = []
        for index in 0..<stageCount {
            let all = settled[index] + unsettled[index]
            let difference = settled[index].unaccounted
            stages.append(
                StageFunnel(
                    name: ledger.stages[index], position: index,
                    received: all.received, passed: all.passed, failed: all.failed, deadLettered: all.deadLettered,
                    lost: UInt64(max(0, difference)), inFlight: UInt64(max(0, unsettled[index].unaccounted)),
                    excess: UInt64(max(0, -difference)), lossShare: 0, lateEvents: ledger.lateEvents[index],
                    settled: settled[index], latencyMs: LatencySummary(latency[index])
                )
            )
            if index > 0 {
                let hop = Int64(clamping: settled[index - 1].passed) - Int64(clamping: settled[index].received)
                let pending = Int64(clamping: unsettled[index - 1].passed) - Int64(clamping: unsettled[index].received)
                transit.append(
                    TransitFunnel(
                        from: ledger.stages[index - 1], to: ledger.stages[index],
                        passed: settled[index - 1].passed, received: settled[index].received,
                        lost: UInt64(max(0, hop)), inFlight: UInt64(max(0, pending)), excess: UInt64(max(0, -hop)),
                        lossShare: 0
                    )
                )
            }
        }
        let totalLost = stages.reduce(0) { $0 &+ $1.lost } &+ transit.reduce(0) { $0 &+ $1.lost }
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
            deliveryRatio: settledIngested == 0 ? nil : Double(settledDelivered) / Double(settledIngested),
            lost: totalLost,
            excess: stages.reduce(0) { $0 &+ $1.excess } &+ transit.reduce(0) { $0 &+ $1.excess },
            inFlight: stages.reduce(0) { $0 &+ $1.inFlight } &+ transit.reduce(0) { $0 &+ $1.inFlight }
        )
        return PipelineFunnel(
            pipeline: pipeline,
            from: fromMillis.map { EventTimestamp.formatRFC3339(millis: $0) },
            to: toMillis.map { EventTimestamp.formatRFC3339(millis: $0) },
            bucketSeconds: ledger.settings.bucketSeconds,
            settleAfterSeconds: ledger.settings.settleAfterSeconds,
            settledBefore: ledger.settledBoundary == .min ? nil : EventTimestamp.formatRFC3339(millis: ledger.settledBoundary * 1000),
            stages: stages,
            transit: transit,
            totals: totals,
            buckets: includeBuckets ? Self.bucketDetail(ledger, inRange) : nil
        )
    }

    private static func bucketDetail(_ ledger: PipelineLedger, _ inRange: (Int64) -> Bool) -> [BucketFunnel] {
        ledger.buckets.keys.filter(inRange).sorted().map { start in
            let bucket = ledger.buckets[start]!
            let isSettled = ledger.isSettled(bucketStart: start)
            var stages: [BucketFunnel.Stage] = []
            var transit: [BucketFunnel.Transit] = []
            for index in ledger.stages.indices {
                let counts = index < bucket.stages.count ? bucket.stages[index] : .zero
                let difference = counts.unaccounted
                stages.append(
                    BucketFunnel.Stage(
                        name: ledger.stages[index], received: counts.received, passed: counts.passed, failed: counts.failed,
                        deadLettered: counts.deadLettered,
                        lost: isSettled ? UInt64(max(0, difference)) : 0,
                        inFlight: isSettled ? 0 : UInt64(max(0, difference)),
                        excess: isSettled ? UInt64(max(0, -difference)) : 0
                    )
                )
                if index > 0 {
                    let previous = index - 1 < bucket.stages.count ? bucket.stages[index - 1] : .zero
                    let hop = Int64(clamping: previous.passed) - Int64(clamping: counts.received)
                    transit.append(
                        BucketFunnel.Transit(
                            from: ledger.stages[index - 1], to: ledger.stages[index],
                            lost: isSettled ? UInt64(max(0, hop)) : 0,
                            inFlight: isSettled ? 0 : UInt64(max(0, hop)),
                            excess: isSettled ? UInt64(max(0, -hop)) : 0
                        )
                    )
                }
            }
            return BucketFunnel(
                start: EventTimestamp.formatRFC3339(millis: start * 1000),
                end: EventTimestamp.formatRFC3339(millis: (start + ledger.settings.bucketSeconds) * 1000),
                settled: isSettled, stages: stages, transit: transit
            )
        }
    }
}
