/// One admission's working state: the entries admitted so far, summed per stage, and what they would add.
///
/// Each `admit` either takes an entry whole or throws having changed nothing, so a refused entry leaves no trace
/// (no stage registered for it, no count reserved). What admission reads (the ledger, what is pending) is passed in
/// as a borrowed ``AdmissionContext`` rather than stored here: reading a stored ledger from a `mutating` method
/// copies it (and this state) for every report.
struct AdmissionState {
    private var slots: [AdmissionSlot] = []
    private var slotIndex: [StageKey: Int] = [:]
    private var last = -1
    /// Pipelines new to both the ledger and what is pending that this admission adds, and the stages it adds per pipeline.
    private var addedPipelines: Set<String> = []
    private var addedStages: [String: Int] = [:]
    private var addedStageTotal = 0
    private var endToEnd: [String: LatencyObservations] = [:]
    private var queueDepths: [QueueKey: QueueDepths.Observation] = [:]
    private var newQueues: [QueueKey] = []
    private var addedQueues = 0
    private var watermarks: [ReporterKey: ReporterWatermark] = [:]
    private var newReporters: [ReporterKey] = []
    private var addedReporters = 0
    private var labelled = LabelledAdmission()

    init() {}

    // MARK: Entries

    mutating func admit(_ depth: QueueDepthReport, index: Int, in context: borrowing AdmissionContext) throws(ReportRejection) {
        guard depth.depth <= ReportBodyParser.maximumDepth else {
            throw context.refusal(
                .numberOutOfRange, index: index, field: "depth",
                "number out of range: must be an integer from 0 to \(ReportBodyParser.maximumDepth), got \(depth.depth)"
            )
        }
        let key = QueueKey(pipeline: depth.pipeline, queue: depth.queue)
        let isNew = context.ledger.queues.queues[key] == nil && self.queueDepths[key] == nil
        if isNew, !context.pending.contains(queue: key) {
            guard context.ledger.queues.queues.count + context.pending.queueCount + self.addedQueues < context.ledger.policy.maximumQueues else {
                throw context.refusal(
                    .tooManyQueues, index: index, field: "queue",
                    "would add queue \(String(reflecting: depth.queue)) beyond the limit of \(context.ledger.policy.maximumQueues) queues"
                )
            }
        }
        if let time = depth.timeMillis, time < 0 {
            throw context.refusal(.eventTimeOutOfRange, index: index, field: "time", "\(time) ms is before 1970; check the sender's clock")
        }
        if let time = depth.timeMillis, FunnelLedger.secondsAhead(time, of: context.nowMillis) > context.ledger.policy.maximumFutureSeconds {
            throw context.refusal(
                .eventTimeOutOfRange, index: index, field: "time",
                "\(EventTimestamp.formatRFC3339(millis: time)) is in the future; check the sender's clock"
            )
        }
        if isNew {
            self.newQueues.append(key)
            if !context.pending.contains(queue: key) { self.addedQueues += 1 }
        }
        let now = context.nowMillis
        let observed = min(depth.timeMillis ?? now, now)
        if let known = self.queueDepths[key], known.observedMillis > observed { return }
        self.queueDepths[key] = QueueDepths.Observation(depth: depth.depth, observedMillis: observed)
    }

    mutating func admit(_ report: StageReport, index: Int, in context: borrowing AdmissionContext) throws(ReportRejection) {
        let (found, settings) = try self.locate(report.pipeline, report.stage, eventTime: report.eventTimeMillis, index: index, in: context)
        if let found {
            let group = try self.labelGroup(report, names: self.slots[found].labelNames, index: index, in: context)
            guard self.slots[found].add(report, nowMillis: context.nowMillis, latencyBounds: context.bounds) else { throw context.overflow(report, self.slots[found], index) }
            self.last = found
            if let group { self.labelled.count(report, group, slot: self.slots[found], nowMillis: context.nowMillis) }
        } else {
            var slot = try self.newSlot(pipeline: report.pipeline, stage: report.stage, settings: settings, index: index, in: context)
            let group = try self.labelGroup(report, names: slot.labelNames, index: index, in: context)
            guard slot.add(report, nowMillis: context.nowMillis, latencyBounds: context.bounds) else { throw context.overflow(report, slot, index) }
            self.keep(slot, in: context)
            if let group { self.labelled.count(report, group, slot: slot, nowMillis: context.nowMillis) }
        }
        if report.endToEndMillis != nil || !report.endToEndSamplesMillis.isEmpty {
            let bounds = context.bounds
            self.endToEnd[report.pipeline, default: LatencyObservations(bucketsSeconds: bounds)]
                .record(report.endToEndMillis, count: report.count, samples: report.endToEndSamplesMillis)
        }
    }

    /// A latency entry registers its stage like a report and is refused like one, but counts no events.
    mutating func admit(_ latency: StageLatency, index: Int, in context: borrowing AdmissionContext) throws(ReportRejection) {
        let (found, settings) = try self.locate(latency.pipeline, latency.stage, eventTime: latency.eventTimeMillis, index: index, in: context)
        if let found {
            self.slots[found].merge(latency.observations, bounds: context.bounds)
            self.last = found
        } else {
            var slot = try self.newSlot(pipeline: latency.pipeline, stage: latency.stage, settings: settings, index: index, in: context)
            slot.merge(latency.observations, bounds: context.bounds)
            self.keep(slot, in: context)
        }
    }

    /// A watermark registers its stage like a report (every stage of a pipeline must send one for it to settle
    /// early); it may not lie further ahead than reports may, and a new reporter counts against the limit.
    mutating func admit(_ watermark: WatermarkReport, index: Int, in context: borrowing AdmissionContext) throws(ReportRejection) {
        if watermark.watermarkMillis < 0 {
            throw context.refusal(.eventTimeOutOfRange, index: index, field: "watermark", "\(watermark.watermarkMillis) ms is before 1970; check the sender's clock")
        }
        if FunnelLedger.secondsAhead(watermark.watermarkMillis, of: context.nowMillis) > context.ledger.policy.maximumFutureSeconds {
            throw context.refusal(
                .eventTimeOutOfRange, index: index, field: "watermark",
                "\(EventTimestamp.formatRFC3339(millis: watermark.watermarkMillis)) is more than limits.max_future ahead; check the sender's clock"
            )
        }
        let key = ReporterKey(pipeline: watermark.pipeline, stage: watermark.stage, reporter: watermark.reporter)
        let isNew = self.watermarks[key] == nil && context.ledger.watermarkReading(key) == nil
        if isNew, !context.pending.contains(reporter: key), context.ledger.reporterCount + context.pending.reporterCount + self.addedReporters >= context.ledger.policy.maximumReporters {
            throw context.refusal(
                .tooManyReporters, index: index, field: "reporter",
                "would add reporter \(String(reflecting: watermark.reporter)) beyond the limit of \(context.ledger.policy.maximumReporters) watermark reporters"
            )
        }
        let (found, settings) = try self.locate(watermark.pipeline, watermark.stage, eventTime: nil, index: index, in: context)
        if let found {
            self.last = found
        } else {
            let slot = try self.newSlot(pipeline: watermark.pipeline, stage: watermark.stage, settings: settings, index: index, in: context)
            self.keep(slot, in: context)
        }
        if isNew {
            self.newReporters.append(key)
            if !context.pending.contains(reporter: key) { self.addedReporters += 1 }
        }
        let reading = ReporterWatermark(watermarkMillis: watermark.watermarkMillis, lastSeenMillis: context.nowMillis)
        self.watermarks[key] = self.watermarks[key].map { $0.merged(with: reading) } ?? reading
    }

    /// The label group a report counts in, after the guard, with what it adds to the guard's counts held for the
    /// caller to keep once the report is admitted; nil for a pipeline without labels.
    private mutating func labelGroup(
        _ report: StageReport, names: [String], index: Int, in context: borrowing AdmissionContext
    ) throws(ReportRejection) -> LabelledAdmission.Group? {
        if names.isEmpty {
            guard report.labels.isEmpty else {
                let label = report.labels.keys.min()!
                throw context.refusal(
                    .unknownLabel, index: index, field: "labels.\(label)",
                    "pipeline \(String(reflecting: report.pipeline)) declares no labels (pipelines[].labels in the configuration); got \(String(reflecting: label))"
                )
            }
            return nil
        }
        return try self.labelled.group(of: report, names: names, index: index, in: context)
    }

    // MARK: Slots

    /// The slot this admission already has for the stage, if any, and the pipeline's settings, after refusing an
    /// event time outside the window.
    private mutating func locate(
        _ pipeline: String, _ stage: String, eventTime: Int64?, index: Int, in context: borrowing AdmissionContext
    ) throws(ReportRejection) -> (found: Int?, settings: PipelineSettings) {
        let found = self.slot(pipeline: pipeline, stage: stage)
        // No closure capturing `self` here (`found.map { self.slots[$0].settings } ?? ...`): it copies the whole state per entry.
        let settings: PipelineSettings
        if let found { settings = self.slots[found].settings } else { settings = context.ledger.settings(for: pipeline) }
        if let eventTime { try context.checkEventTime(eventTime, index: index, settings: settings) }
        return (found, settings)
    }

    /// `mutating` only so that the mutating callers do not copy the state to call it.
    private mutating func slot(pipeline: String, stage: String) -> Int? {
        if self.last >= 0, self.slots[self.last].stage == stage, self.slots[self.last].pipeline == pipeline { return self.last }
        return self.slotIndex.isEmpty ? nil : self.slotIndex[StageKey(pipeline: pipeline, stage: stage)]
    }

    /// A slot for a stage this admission has not seen, after checking the limits a new pipeline or stage would pass.
    private mutating func newSlot(
        pipeline: String, stage: String, settings: PipelineSettings, index: Int, in context: borrowing AdmissionContext
    ) throws(ReportRejection) -> AdmissionSlot {
        let key = StageKey(pipeline: pipeline, stage: stage)
        let known = context.ledger.position(ofPipeline: pipeline)
        if known == nil, !context.pending.contains(pipeline: pipeline), !self.addedPipelines.contains(pipeline) {
            guard context.ledger.pipelines.count + context.pending.pipelineCount + self.addedPipelines.count < context.ledger.policy.maximumPipelines else {
                throw context.refusal(
                    .tooManyPipelines, index: index, field: "pipeline",
                    "would add pipeline \(String(reflecting: pipeline)) beyond the limit of \(context.ledger.policy.maximumPipelines) pipelines"
                )
            }
        }
        let position = known.flatMap { context.ledger.pipelines[$0].position(of: stage) }
        if position == nil, !context.pending.contains(stage: key) {
            let existing = (known.map { context.ledger.pipelines[$0].stages.count } ?? 0) + context.pending.stageCount(in: pipeline)
            guard existing + self.addedStages[pipeline, default: 0] < context.ledger.policy.maximumStagesPerPipeline else {
                throw context.refusal(
                    .tooManyStages, index: index, field: "stage",
                    "would add stage \(String(reflecting: stage)) beyond the limit of \(context.ledger.policy.maximumStagesPerPipeline) stages in pipeline \(String(reflecting: pipeline))"
                )
            }
            guard context.ledger.seriesCount + context.pending.stageCount + self.addedStageTotal < context.ledger.policy.maximumSeries else {
                throw context.refusal(
                    .tooManySeries, index: index, field: "stage",
                    "would add series \(pipeline)/\(stage) beyond the limit of \(context.ledger.policy.maximumSeries) (pipeline, stage) series"
                )
            }
        }
        var committed = context.pending.reserved(key)
        if let known, let position { committed += context.ledger.pipelines[known].total[position] }
        return AdmissionSlot(
            pipeline: pipeline, stage: stage, settings: settings, isKnown: position != nil, isPipelineKnown: known != nil,
            committed: committed, nowMillis: context.nowMillis, ledgerBoundary: known.map { context.ledger.pipelines[$0].settledBoundary },
            labelNames: known.map { context.ledger.pipelines[$0].labels.names } ?? []
        )
    }

    /// Keeps a new slot that took its first entry, counting what it adds against the limits.
    private mutating func keep(_ slot: AdmissionSlot, in context: borrowing AdmissionContext) {
        let key = StageKey(pipeline: slot.pipeline, stage: slot.stage)
        if !slot.isPipelineKnown, !context.pending.contains(pipeline: slot.pipeline) { self.addedPipelines.insert(slot.pipeline) }
        if !slot.isKnown, !context.pending.contains(stage: key) {
            self.addedStages[slot.pipeline, default: 0] += 1
            self.addedStageTotal += 1
        }
        self.slots.append(slot)
        self.slotIndex[key] = self.slots.count - 1
        self.last = self.slots.count - 1
    }

    // MARK: Batch

    /// The admitted entries as a batch; `reportCount` is what an idempotent replay answers as accepted.
    func batch(reportCount: Int) -> ReportBatch {
        var batch = ReportBatch()
        batch.reportCount = reportCount
        batch.queueDepths = self.queueDepths
        batch.newQueues = self.newQueues
        batch.counts.reserveCapacity(self.slots.reduce(0) { total, slot in
            slot.counts.values.reduce(total) { total, counts in total + Outcome.allCases.count { counts[$0] != 0 } }
        })
        var newPipelines: Set<String> = []
        for slot in self.slots {
            if !slot.isPipelineKnown, newPipelines.insert(slot.pipeline).inserted { batch.newPipelines.append(slot.pipeline) }
            let stageKey = StageKey(pipeline: slot.pipeline, stage: slot.stage)
            if !slot.isKnown { batch.newStages.append(stageKey) }
            for (start, counts) in slot.counts {
                for outcome in Outcome.allCases where counts[outcome] != 0 {
                    batch.counts[BucketKey(pipeline: slot.pipeline, stage: slot.stage, outcome: outcome, bucketStart: start)] = counts[outcome]
                }
            }
            if !slot.totals.isZero { batch.seriesTotals[stageKey] = slot.totals }
            if let latency = slot.latency { batch.stageLatencies[stageKey] = latency }
            if slot.lateEvents > 0 { batch.lateEvents[stageKey] = slot.lateEvents }
            for (reporter, count) in slot.watermarkViolations {
                batch.watermarkViolations[ReporterKey(pipeline: slot.pipeline, stage: slot.stage, reporter: reporter)] = count
            }
        }
        self.labelled.fill(&batch)
        batch.endToEndLatencies = self.endToEnd
        batch.watermarks = self.watermarks
        batch.newReporters = self.newReporters
        return batch
    }
}
