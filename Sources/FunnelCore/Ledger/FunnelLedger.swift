/// The aggregator's whole state: every pipeline's counts, with admission, settling, pruning and funnel queries.
///
/// A pure value: the clock is passed in as `nowMillis` (Unix milliseconds) and nothing here touches a file or
/// socket. The server keeps one behind a lock and changes it in one way only: ``admit(_:policy:pending:nowMillis:)``
/// checks and shapes an ingest without changing anything, the server persists the returned ``ReportBatch``, then
/// ``apply(_:nowMillis:)`` counts it.
public struct FunnelLedger: Sendable {
    /// The most samples one ``LatencyObservation`` stands for: a timer sampled at `@0.0001` or below counts as 10,000.
    public static let maximumLatencyWeight: UInt64 = 10_000

    public internal(set) var policy: LedgerPolicy
    /// Every pipeline: declared ones first, then discovered ones in the order they were applied.
    public internal(set) var pipelines: [PipelineLedger] = []
    /// Position of each pipeline in ``pipelines``.
    var pipelineIndex: [String: Int] = [:]
    /// (pipeline, stage) series tracked over all pipelines.
    public internal(set) var seriesCount = 0
    /// Latency windows and histograms per stage and per pipeline (end to end), by arrival time.
    public private(set) var latency: LatencyLedger
    /// The last depth of every dead-letter queue.
    public internal(set) var queues: QueueDepths
    /// The latest time the ledger was told of, Unix milliseconds.
    public private(set) var latestMillis: Int64 = 0
    /// Each stage's watermark reporters, by pipeline and stage.
    public internal(set) var watermarks: [String: [String: StageWatermarks]] = [:]
    /// Watermark reporters tracked over all stages.
    public internal(set) var reporterCount = 0
    /// Events reported for buckets their watermarks had settled, by the reporter the reports named (`""`: none).
    public internal(set) var violationsByReporter: [ReporterKey: UInt64] = [:]

    public init(policy: LedgerPolicy = LedgerPolicy()) {
        self.policy = policy
        self.latency = LatencyLedger(bucketsSeconds: policy.latencyBucketsSeconds)
        self.queues = QueueDepths(staleAfterSeconds: policy.queueStaleAfterSeconds)
        for definition in policy.pipelines where self.pipelineIndex[definition.name] == nil {
            self.pipelineIndex[definition.name] = self.pipelines.count
            let pipeline = PipelineLedger(name: definition.name, settings: definition.settings, stages: definition.stages, labels: definition.labels)
            self.seriesCount += pipeline.stages.count
            self.pipelines.append(pipeline)
        }
    }

    /// Pipeline names in order: declared ones first, then discovered ones.
    public var pipelineNames: [String] { self.pipelines.map(\.name) }

    /// The pipeline called `name`, if the ledger tracks it.
    public func pipeline(named name: String) -> PipelineLedger? {
        self.pipelineIndex[name].map { self.pipelines[$0] }
    }

    /// Position of the pipeline called `name` in ``pipelines``.
    func position(ofPipeline name: String) -> Int? { self.pipelineIndex[name] }

    // MARK: Apply

    /// Counts an admitted batch once it is durable: registers its new pipelines and stages in order, then adds
    /// its counts, latencies, DLQ depths and late events.
    public mutating func apply(_ batch: ReportBatch, nowMillis: Int64) {
        self.settle(nowMillis: nowMillis)
        for name in batch.newPipelines { _ = self.ensurePipeline(name) }
        for key in batch.newStages { _ = self.ensureStage(pipeline: key.pipeline, stage: key.stage) }
        for (key, count) in batch.counts {
            let (pipeline, stage) = self.ensureStage(pipeline: key.pipeline, stage: key.stage)
            self.pipelines[pipeline].add(count, stage: stage, outcome: key.outcome, bucketStart: key.bucketStart)
        }
        self.latency.apply(batch, nowMillis: nowMillis)
        for (key, observation) in batch.queueDepths {
            self.queues.record(key, depth: observation.depth, observedMillis: observation.observedMillis)
        }
        for (key, count) in batch.lateEvents {
            let (pipeline, stage) = self.ensureStage(pipeline: key.pipeline, stage: key.stage)
            self.pipelines[pipeline].addLateEvents(count, stage: stage)
        }
        if !batch.labelCounts.isEmpty { self.applyLabelled(batch) }
        for (key, count) in batch.watermarkViolations { self.addWatermarkViolations(count, key) }
        if !batch.watermarks.isEmpty {
            for (key, reading) in batch.watermarks { self.recordWatermark(key, reading) }
            self.settle(nowMillis: nowMillis)
        }
    }

    /// Counts late events into watermark-settled buckets against their stage and reporter (applied or restored).
    mutating func addWatermarkViolations(_ count: UInt64, _ key: ReporterKey) {
        let (pipeline, stage) = self.ensureStage(pipeline: key.pipeline, stage: key.stage)
        self.pipelines[pipeline].addWatermarkViolations(count, stage: stage)
        self.violationsByReporter[key, default: 0] = self.violationsByReporter[key, default: 0].addingSaturated(count)
    }

    /// Takes one reporter's reading (applied or restored).
    mutating func recordWatermark(_ key: ReporterKey, _ reading: ReporterWatermark) {
        _ = self.ensureStage(pipeline: key.pipeline, stage: key.stage)
        if self.watermarks[key.pipeline]?[key.stage]?.reporters[key.reporter] == nil { self.reporterCount += 1 }
        self.watermarks[key.pipeline, default: [:]][key.stage, default: StageWatermarks()].record(key.reporter, reading)
    }

    /// What `key`'s reporter last said, if the ledger has heard from it.
    public func watermarkReading(_ key: ReporterKey) -> ReporterWatermark? {
        self.watermarks[key.pipeline]?[key.stage]?.reporters[key.reporter]
    }

    /// The watermark of stage `stage` of `pipeline` at `nowMillis`: the lowest of its live reporters'; nil when it
    /// has none.
    public func stageWatermark(pipeline: String, stage: String, nowMillis: Int64) -> Int64? {
        self.watermarks[pipeline]?[stage]?.watermark(nowMillis: nowMillis, timeoutMillis: self.policy.reporterTimeoutSeconds * 1000)
    }

    /// The watermark of `stage` as far as it is known (see ``StageWatermarks/lastKnownWatermark(nowMillis:timeoutMillis:)``).
    public func lastKnownWatermark(pipeline: String, stage: String, nowMillis: Int64) -> Int64? {
        self.watermarks[pipeline]?[stage]?.lastKnownWatermark(nowMillis: nowMillis, timeoutMillis: self.policy.reporterTimeoutSeconds * 1000)
    }

    /// The watermark of a whole pipeline at `nowMillis`: the lowest of its stages' watermarks, nil unless every
    /// stage has one.
    func pipelineWatermark(_ index: Int, nowMillis: Int64) -> Int64? {
        guard !self.watermarks.isEmpty else { return nil }
        let pipeline = self.pipelines[index]
        guard let reporters = self.watermarks[pipeline.name], !pipeline.stages.isEmpty else { return nil }
        let timeout = self.policy.reporterTimeoutSeconds * 1000
        var lowest = Int64.max
        for stage in pipeline.stages {
            guard let watermark = reporters[stage]?.watermark(nowMillis: nowMillis, timeoutMillis: timeout) else { return nil }
            lowest = min(lowest, watermark)
        }
        return lowest
    }

    /// Admits `entries` all or nothing and applies them at once: for callers that keep the ledger in memory only
    /// (tests, benchmarks, tools).
    @discardableResult
    public mutating func ingest(_ entries: IngestEntries, nowMillis: Int64) throws(ReportRejection) -> ReportBatch {
        let batch = try self.admit(entries, policy: .allOrNothing, nowMillis: nowMillis).batch
        self.apply(batch, nowMillis: nowMillis)
        return batch
    }

    /// Admits and applies stage reports at once, all or nothing (see ``ingest(_:nowMillis:)``).
    @discardableResult
    public mutating func ingest(_ reports: [StageReport], nowMillis: Int64) throws(ReportRejection) -> ReportBatch {
        try self.ingest(IngestEntries(stageReports: reports), nowMillis: nowMillis)
    }

    // MARK: Settling and retention

    /// Moves every pipeline's settled boundary up to `nowMillis`.
    public mutating func settle(nowMillis: Int64) {
        self.latestMillis = max(self.latestMillis, nowMillis)
        for index in self.pipelines.indices {
            self.pipelines[index].settle(nowMillis: nowMillis, watermarkMillis: self.pipelineWatermark(index, nowMillis: nowMillis))
        }
    }

    /// After a restart, settles each pipeline as far as its watermarks had taken it when its reporters were last
    /// heard from, so a bucket settled by watermarks before the restart is not unsettled by the time it was down.
    mutating func settleRestoredWatermarks() {
        for index in self.pipelines.indices {
            guard let stages = self.watermarks[self.pipelines[index].name] else { continue }
            guard let heard = stages.values.compactMap(\.lastSeenMillis).max() else { continue }
            self.pipelines[index].settle(nowMillis: heard, watermarkMillis: self.pipelineWatermark(index, nowMillis: heard))
        }
    }

    /// Drops buckets older than the retention, keeping their counts in the totals; returns what storage must drop.
    public mutating func prune(nowMillis: Int64) -> PrunedBuckets {
        self.settle(nowMillis: nowMillis)
        self.latency.expire(nowMillis: nowMillis)
        var pruned = PrunedBuckets()
        for index in self.pipelines.indices {
            let name = self.pipelines[index].name
            let stages = self.pipelines[index].stages
            let buckets = self.pipelines[index].prune(nowMillis: nowMillis, retentionSeconds: self.policy.retentionSeconds)
            for (start, bucket) in buckets {
                pruned.buckets.append(PrunedBuckets.Bucket(pipeline: name, bucketStart: start))
                for (stage, counts) in bucket.stages.enumerated() where !counts.isZero {
                    pruned.counts[StageKey(pipeline: name, stage: stages[stage]), default: .zero] += counts
                }
            }
            guard !self.pipelines[index].labels.isEmpty else { continue }
            pruned.labelNames[name] = self.pipelines[index].labels.names
            for (group, groupBuckets) in self.pipelines[index].labels.prune(nowMillis: nowMillis, retentionSeconds: self.policy.retentionSeconds) {
                for bucket in groupBuckets.values {
                    for (stage, counts) in bucket.stages.enumerated() where !counts.isZero {
                        pruned.labelCounts[LabelledStageKey(StageKey(pipeline: name, stage: stages[stage]), labels: group), default: .zero] += counts
                    }
                }
            }
        }
        return pruned
    }

    // MARK: Registration

    /// The position of pipeline `name`, added at the end with its declared or default settings when it is new.
    mutating func ensurePipeline(_ name: String) -> Int {
        if let index = self.pipelineIndex[name] { return index }
        let index = self.pipelines.count
        self.pipelineIndex[name] = index
        self.pipelines.append(PipelineLedger(name: name, settings: self.policy.settings(for: name), labels: self.policy.labels(for: name)))
        return index
    }

    /// The positions of the pipeline and the stage, each added at the end when it is new.
    mutating func ensureStage(pipeline name: String, stage: String) -> (pipeline: Int, stage: Int) {
        let pipeline = self.ensurePipeline(name)
        if let index = self.pipelines[pipeline].position(of: stage) { return (pipeline, index) }
        self.seriesCount += 1
        return (pipeline, self.pipelines[pipeline].addStage(stage))
    }

    /// The settings of `pipeline`: its own when the ledger tracks it, else declared or default ones.
    func settings(for pipeline: String) -> PipelineSettings {
        self.pipelineIndex[pipeline].map { self.pipelines[$0].settings } ?? self.policy.settings(for: pipeline)
    }
}
