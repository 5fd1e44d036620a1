/// One (pipeline, stage) of a request while it is admitted: its reports summed per bucket, with their latencies.
///
/// Admission looks each stage up once per request rather than once per report; a batch of a thousand reports
/// for five stages becomes five slots.
struct AdmissionSlot {
    let pipeline: String
    let stage: String
    let settings: PipelineSettings
    /// Whether the ledger already tracks this stage.
    let isKnown: Bool
    /// Whether the ledger already tracks this stage's pipeline.
    let isPipelineKnown: Bool
    /// The labels the pipeline declares (none for most).
    let labelNames: [String]
    /// What the stage has counted over its life, plus what pending batches hold: the base the
    /// counter maximum is checked against.
    let committed: StageCounts
    /// This request's counts over all its buckets, per outcome.
    var totals: StageCounts = .zero
    /// Buckets before this start are settled, so events counted into them are late.
    let settledBoundary: Int64
    /// Buckets from here up to ``settledBoundary`` were settled by watermarks, before their grace was over.
    let graceBoundary: Int64
    /// Counts per bucket start.
    var counts: [Int64: StageCounts] = [:]
    var latency: LatencyObservations?
    /// Events counted into settled buckets, recovery outcomes not included (they come back late by nature).
    var lateEvents: UInt64 = 0
    /// Late events into buckets settled by watermarks: a reporter reported past its own watermark.
    var watermarkViolations: [String: UInt64] = [:]

    init(
        pipeline: String, stage: String, settings: PipelineSettings, isKnown: Bool, isPipelineKnown: Bool, committed: StageCounts, nowMillis: Int64,
        ledgerBoundary: Int64? = nil, labelNames: [String] = []
    ) {
        self.labelNames = labelNames
        self.pipeline = pipeline
        self.stage = stage
        self.settings = settings
        self.isKnown = isKnown
        self.isPipelineKnown = isPipelineKnown
        self.committed = committed
        self.graceBoundary = settings.settledBoundary(nowMillis: nowMillis)
        self.settledBoundary = max(self.graceBoundary, ledgerBoundary ?? .min)
    }

    /// Adds one report's count and stage latency; returns false, adding nothing, when the count would take the
    /// series past ``StageCounts/maximum``.
    mutating func add(_ report: StageReport, nowMillis: Int64, latencyBounds: [Double]) -> Bool {
        let total = self.totals[report.outcome].addingSaturated(report.count)
        guard total.addingSaturated(self.committed[report.outcome]) <= StageCounts.maximum else { return false }
        self.totals[report.outcome] = total
        let start = self.settings.bucketStart(forMillis: report.eventTimeMillis ?? nowMillis)
        self.counts[start, default: .zero][report.outcome] += report.count
        if start < self.settledBoundary, !report.outcome.isRecovery {
            self.lateEvents = self.lateEvents.addingSaturated(report.count)
            if start >= self.graceBoundary { self.watermarkViolations[report.reporter ?? "", default: 0] += report.count }
        }
        if report.latencyMillis != nil || !report.latencySamplesMillis.isEmpty {
            if self.latency == nil { self.latency = LatencyObservations(bucketsSeconds: latencyBounds) }
            self.latency!.record(report.latencyMillis, count: report.count, samples: report.latencySamplesMillis)
        }
        return true
    }

    /// Adds latency samples that count no events.
    mutating func merge(_ observations: LatencyObservations, bounds: [Double]) {
        guard !observations.sketch.isEmpty else { return }
        if self.latency == nil { self.latency = LatencyObservations(bucketsSeconds: bounds) }
        self.latency!.merge(observations)
    }
}
