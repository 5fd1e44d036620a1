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
    /// (pipeline, stage) series tracked over all pipelines.
    public private(set) var seriesCount = 0
    /// Latency windows and histograms per stage and per pipeline (end to end), by arrival time.
    public private(set) var latency: LatencyLedger
    /// The last depth of every dead-letter queue.
    public private(set) var queues: QueueDepths
    /// The latest time the ledger was told of, Unix milliseconds.
    public private(set) var latestMillis: Int64 = 0
    /// Events admitted but not yet applied or released, per stage and outcome: admission checks the counter
    /// maximum against what is counted plus this, so concurrent requests cannot pass it together.
    public private(set) var reserved: [StageKey: StageCounts] = [:]

    public init(policy: LedgerPolicy = LedgerPolicy()) {
        self.policy = policy
        self.latency = LatencyLedger(bucketsSeconds: policy.latencyBucketsSeconds)
        self.queues = QueueDepths(staleAfterSeconds: policy.queueStaleAfterSeconds)
        for definition in policy.pipelines where self.pipelines[definition.name] == nil {
            self.pipelineNames.append(definition.name)
            self.pipelines[definition.name] = PipelineLedger(
                name: definition.name,
                settings: definition.settings,
                stages: definition.stages
            )
            self.seriesCount += self.pipelines[definition.name]!.stages.count
        }
    }

    // MARK: Ingest

    /// Checks reports against the time window and the cardinality limits, registers new stages, and aggregates.
    ///
    /// Either every report is admitted or none is: on a rejection nothing has changed.
    public mutating func admit(_ reports: [StageReport], nowMillis: Int64) throws(ReportRejection) -> ReportBatch {
        try self.admit(ReportBody(stageReports: reports), nowMillis: nowMillis)
    }

    /// Admits a whole body: stage reports as above, and DLQ depths (checked against the queue limit).
    public mutating func admit(_ body: ReportBody, nowMillis: Int64) throws(ReportRejection) -> ReportBatch {
        let reports = body.stageReports
        var addedQueues: Set<QueueKey> = []
        for (offset, depth) in body.queueDepths.enumerated() {
            guard depth.depth <= ReportBodyParser.maximumDepth else {
                throw ReportRejection(
                    .numberOutOfRange, index: reports.count + offset, field: "depth",
                    "number out of range: must be an integer from 0 to \(ReportBodyParser.maximumDepth), got \(depth.depth)"
                )
            }
            let key = QueueKey(pipeline: depth.pipeline, queue: depth.queue)
            guard self.queues.queues[key] == nil, !addedQueues.contains(key) else { continue }
            guard self.queues.queues.count + addedQueues.count < self.policy.maximumQueues else {
                throw ReportRejection(
                    .tooManyQueues, index: reports.count + offset, field: "queue",
                    "would add queue \(String(reflecting: depth.queue)) beyond the limit of \(self.policy.maximumQueues) queues"
                )
            }
            if let time = depth.timeMillis, time < 0 {
                throw ReportRejection(.eventTimeOutOfRange, index: reports.count + offset, field: "time", "\(time) ms is before 1970; check the sender's clock")
            }
            if let time = depth.timeMillis, Self.secondsAhead(time, of: nowMillis) > self.policy.maximumFutureSeconds {
                throw ReportRejection(
                    .eventTimeOutOfRange, index: reports.count + offset, field: "time",
                    "\(EventTimestamp.formatRFC3339(millis: time)) is in the future; check the sender's clock"
                )
            }
            addedQueues.insert(key)
        }
        let nowSeconds = PipelineSettings.floorSeconds(nowMillis)
        let bounds = self.policy.latencyBucketsSeconds
        var slots: [AdmissionSlot] = []
        var slotIndex: [StageKey: Int] = [:]
        var addedPipelines: Set<String> = []
        var addedStages: [String: Int] = [:]
        var addedStageTotal = 0
        var endToEnd: [String: LatencyObservations] = [:]
        var last = -1
        for (index, report) in reports.enumerated() {
            var slot: Int? = nil
            if last >= 0, slots[last].stage == report.stage, slots[last].pipeline == report.pipeline {
                slot = last
            } else {
                slot = slotIndex[StageKey(pipeline: report.pipeline, stage: report.stage)]
            }
            let settings = slot.map { slots[$0].settings } ?? self.settings(for: report.pipeline)
            if let eventTime = report.eventTimeMillis {
                try self.checkEventTime(eventTime, index: index, settings: settings, nowMillis: nowMillis, nowSeconds: nowSeconds)
            }
            if slot == nil {
                // By index, not `let known = pipelines[name]`: that would copy the pipeline's ledger for every new slot.
                let known = self.pipelines.index(forKey: report.pipeline)
                if known == nil, !addedPipelines.contains(report.pipeline) {
                    guard self.pipelineNames.count + addedPipelines.count < self.policy.maximumPipelines else {
                        throw ReportRejection(
                            .tooManyPipelines, index: index, field: "pipeline",
                            "would add pipeline \(String(reflecting: report.pipeline)) beyond the limit of \(self.policy.maximumPipelines) pipelines"
                        )
                    }
                    addedPipelines.insert(report.pipeline)
                }
                let position = known.flatMap { self.pipelines.values[$0].position(of: report.stage) }
                let isKnown = position != nil
                if !isKnown {
                    let existing = known.map { self.pipelines.values[$0].stages.count } ?? 0
                    guard existing + addedStages[report.pipeline, default: 0] < self.policy.maximumStagesPerPipeline else {
                        throw ReportRejection(
                            .tooManyStages, index: index, field: "stage",
                            "would add stage \(String(reflecting: report.stage)) beyond the limit of \(self.policy.maximumStagesPerPipeline) stages in pipeline \(String(reflecting: report.pipeline))"
                        )
                    }
                    guard self.seriesCount + addedStageTotal < self.policy.maximumSeries else {
                        throw ReportRejection(
                            .tooManySeries, index: index, field: "stage",
                            "would add series \(report.pipeline)/\(report.stage) beyond the limit of \(self.policy.maximumSeries) (pipeline, stage) series"
                        )
                    }
                    addedStages[report.pipeline, default: 0] += 1
                    addedStageTotal += 1
                }
                let key = StageKey(pipeline: report.pipeline, stage: report.stage)
                var committed = self.reserved.isEmpty ? .zero : self.reserved[key] ?? .zero
                if let known, let position { committed += self.pipelines.values[known].total[position] }
                slots.append(
                    AdmissionSlot(
                        pipeline: report.pipeline, stage: report.stage, settings: settings, isKnown: isKnown, committed: committed, nowMillis: nowMillis
                    )
                )
                slotIndex[key] = slots.count - 1
                slot = slots.count - 1
            }
            last = slot!
            guard slots[last].add(report, nowMillis: nowMillis, latencyBounds: bounds) else {
                let counted = slots[last].committed[report.outcome].addingSaturated(slots[last].totals[report.outcome])
                throw ReportRejection(
                    .countOverflow, index: index, field: "count",
                    "would take series \(report.pipeline)/\(report.stage)/\(report.outcome.name) past the maximum of \(StageCounts.maximum) events (counted so far: \(counted)); nothing of this request was stored"
                )
            }
            if report.endToEndMillis != nil || !report.endToEndSamplesMillis.isEmpty {
                endToEnd[report.pipeline, default: LatencyObservations(bucketsSeconds: bounds)]
                    .record(report.endToEndMillis, count: report.count, samples: report.endToEndSamplesMillis)
            }
        }

        var batch = ReportBatch()
        batch.reportCount = body.count
        for depth in body.queueDepths {
            let key = QueueKey(pipeline: depth.pipeline, queue: depth.queue)
            let observed = min(depth.timeMillis ?? nowMillis, nowMillis)
            if let known = batch.queueDepths[key], known.observedMillis > observed { continue }
            batch.queueDepths[key] = QueueDepths.Observation(depth: depth.depth, observedMillis: observed)
        }
        batch.counts.reserveCapacity(slots.reduce(0) { total, slot in
            slot.counts.values.reduce(total) { total, counts in total + Outcome.allCases.count { counts[$0] != 0 } }
        })
        for slot in slots {
            if self.pipelines.index(forKey: slot.pipeline) == nil {
                batch.newPipelines[slot.pipeline] = self.pipelineNames.count
                self.pipelineNames.append(slot.pipeline)
                self.pipelines[slot.pipeline] = PipelineLedger(name: slot.pipeline, settings: slot.settings)
            }
            let stageKey = StageKey(pipeline: slot.pipeline, stage: slot.stage)
            if !slot.isKnown {
                self.seriesCount += 1
                batch.newStages[stageKey] = self.pipelines[slot.pipeline]!.addStage(slot.stage)
            }
            for (start, counts) in slot.counts {
                for outcome in Outcome.allCases where counts[outcome] != 0 {
                    batch.counts[BucketKey(pipeline: slot.pipeline, stage: slot.stage, outcome: outcome, bucketStart: start)] = counts[outcome]
                }
            }
            if !slot.totals.isZero {
                batch.seriesTotals[stageKey] = slot.totals
                self.reserved[stageKey, default: .zero] += slot.totals
            }
            if let latency = slot.latency { batch.stageLatencies[stageKey] = latency }
            if slot.lateEvents > 0 { batch.lateEvents[stageKey] = slot.lateEvents }
        }
        batch.endToEndLatencies = endToEnd
        return batch
    }

    /// Refuses an event time too far in the future or older than the retention.
    private func checkEventTime(_ eventTime: Int64, index: Int, settings: PipelineSettings, nowMillis: Int64, nowSeconds: Int64) throws(ReportRejection) {
        let aheadSeconds = Self.secondsAhead(eventTime, of: nowMillis)
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

    /// Gives back what admitting `batch` reserved against the counter maximum, for a batch that will not be applied
    /// (its write failed, or it turned out to be a replay).
    public mutating func release(_ batch: ReportBatch) {
        for (key, totals) in batch.seriesTotals {
            guard let reserved = self.reserved[key] else { continue }
            let left = reserved - totals
            self.reserved[key] = left.isZero ? nil : left
        }
    }

    /// Whole seconds `millis` lies after `nowMillis` (negative before it), saturating for times a caller made up.
    private static func secondsAhead(_ millis: Int64, of nowMillis: Int64) -> Int64 {
        let (difference, overflow) = millis.subtractingReportingOverflow(nowMillis)
        return overflow ? (millis > nowMillis ? .max : .min) : difference / 1000
    }

    /// Counts an admitted (and persisted) batch.
    public mutating func apply(_ batch: ReportBatch, nowMillis: Int64) {
        self.release(batch)
        self.settle(nowMillis: nowMillis)
        for (key, count) in batch.counts {
            let stage = self.ensureStage(pipeline: key.pipeline, stage: key.stage)
            self.pipelines[key.pipeline]!.add(count, stage: stage, outcome: key.outcome, bucketStart: key.bucketStart)
        }
        self.latency.apply(batch, nowMillis: nowMillis)
        for (key, observation) in batch.queueDepths {
            self.queues.record(key, depth: observation.depth, observedMillis: observation.observedMillis)
        }
        for (key, count) in batch.lateEvents {
            let stage = self.ensureStage(pipeline: key.pipeline, stage: key.stage)
            self.pipelines[key.pipeline]!.addLateEvents(count, stage: stage)
        }
    }

    /// Moves every pipeline's settled boundary up to `nowMillis`.
    public mutating func settle(nowMillis: Int64) {
        self.latestMillis = max(self.latestMillis, nowMillis)
        for name in self.pipelineNames {
            self.pipelines[name]!.settle(nowMillis: nowMillis)
        }
    }

    /// Drops buckets older than the retention, keeping their counts in the totals; returns what storage must drop.
    public mutating func prune(nowMillis: Int64) -> PrunedBuckets {
        self.settle(nowMillis: nowMillis)
        self.latency.expire(nowMillis: nowMillis)
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

    /// Restores a saved DLQ depth.
    public mutating func restoreQueueDepth(_ key: QueueKey, depth: UInt64, observedMillis: Int64) {
        self.queues.record(key, depth: depth, observedMillis: observedMillis)
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
        if self.pipelines.index(forKey: pipeline) == nil {  // not `pipelines[pipeline] == nil`, which copies the ledger
            self.pipelineNames.append(pipeline)
            self.pipelines[pipeline] = PipelineLedger(name: pipeline, settings: self.settings(for: pipeline))
        }
        if let index = self.pipelines[pipeline]!.position(of: stage) { return index }
        self.seriesCount += 1
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
        guard let ledger = self.pipelines[pipeline] else { return nil }
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
                    )
                )
            )
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
            deliveryRatio: settledIngested == 0 ? nil : Double(settledDelivered) / Double(settledIngested),
            lost: totalLost,
            excess: stages.lazy.map(\.excess).saturatingSum().addingSaturated(transit.lazy.map(\.excess).saturatingSum()),
            inFlight: stages.lazy.map(\.inFlight).saturatingSum().addingSaturated(transit.lazy.map(\.inFlight).saturatingSum())
        )
        return PipelineFunnel(
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
    }

    private static func bucketDetail(_ ledger: PipelineLedger, _ inRange: (Int64) -> Bool) -> [BucketFunnel] {
        ledger.buckets.keys.filter(inRange).sorted().map { start in
            let bucket = ledger.buckets[start]!
            let isSettled = ledger.isSettled(bucketStart: start)
            var stages: [BucketFunnel.Stage] = []
            var transit: [BucketFunnel.Transit] = []
            for index in ledger.stages.indices {
                let counts = index < bucket.stages.count ? bucket.stages[index] : .zero
                let split = LossSplit(counts.unaccounted, isSettled: isSettled)
                stages.append(
                    BucketFunnel.Stage(
                        name: ledger.stages[index], received: counts.received, passed: counts.passed, failed: counts.failed,
                        deadLettered: counts.deadLettered,
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
            return BucketFunnel(
                start: EventTimestamp.formatRFC3339(millis: start * 1000),
                end: EventTimestamp.formatRFC3339(millis: (start + ledger.settings.bucketSeconds) * 1000),
                settled: isSettled, stages: stages, transit: transit
            )
        }
    }
}
