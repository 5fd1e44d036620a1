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
    /// Buckets before this start are settled, so events counted into them are late.
    let settledBoundary: Int64
    /// Counts per bucket start.
    var counts: [Int64: StageCounts] = [:]
    var latency: LatencyObservations?
    var lateEvents: UInt64 = 0

    init(pipeline: String, stage: String, settings: PipelineSettings, isKnown: Bool, nowMillis: Int64) {
        self.pipeline = pipeline
        self.stage = stage
        self.settings = settings
        self.isKnown = isKnown
        self.settledBoundary = settings.settledBoundary(nowMillis: nowMillis)
    }

    /// Adds one report's count and stage latency.
    mutating func add(_ report: StageReport, nowMillis: Int64, latencyBounds: [Double]) {
        let start = self.settings.bucketStart(forMillis: report.eventTimeMillis ?? nowMillis)
        self.counts[start, default: .zero][report.outcome] &+= report.count
        if start < self.settledBoundary { self.lateEvents &+= report.count }
        if report.latencyMillis != nil || !report.latencySamplesMillis.isEmpty {
            if self.latency == nil { self.latency = LatencyObservations(bucketsSeconds: latencyBounds) }
            self.latency!.record(report.latencyMillis, count: report.count, samples: report.latencySamplesMillis)
        }
    }
}
