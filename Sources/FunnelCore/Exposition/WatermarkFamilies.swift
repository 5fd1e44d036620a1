/// The watermark families in `/metrics`, for the stages of pipelines whose reporters send watermarks.
public struct WatermarkFamilies: MetricsSource {
    /// One stage of a pipeline with watermarks: its watermark (nil when no reporter is live) and its violations.
    public struct Stage: Sendable {
        public var pipeline: String
        public var stage: String
        public var watermarkMillis: Int64?
        public var violations: UInt64
    }

    public var stages: [Stage]
    /// The time the ledger was settled to, Unix milliseconds: the lag is measured from it.
    public var nowMillis: Int64

    /// The watermarked stages of `ledger`, in pipeline and stage order. O(stages of watermarked pipelines).
    public init(_ ledger: borrowing FunnelLedger) {
        var stages: [Stage] = []
        if !ledger.watermarks.isEmpty {
            for pipeline in ledger.pipelines where ledger.watermarks[pipeline.name] != nil {
                for (index, stage) in pipeline.stages.enumerated() {
                    stages.append(
                        Stage(
                            pipeline: pipeline.name, stage: stage,
                            watermarkMillis: ledger.stageWatermark(pipeline: pipeline.name, stage: stage, nowMillis: ledger.latestMillis),
                            violations: pipeline.watermarkViolations[index]
                        )
                    )
                }
            }
        }
        self.stages = stages
        self.nowMillis = ledger.latestMillis
    }

    /// Writes the three families, when some pipeline sends watermarks.
    public func emit(into writer: inout ExpositionWriter) {
        guard !self.stages.isEmpty else { return }
        let labels = self.stages.map { ExpositionWriter.labels(["pipeline": $0.pipeline, "stage": $0.stage]) }
        writer.family(
            "funnel_stage_watermark_timestamp_seconds", .gauge,
            help: "The stage's watermark: its live reporters have reported every event before this time (the lowest of theirs)."
        )
        for (index, stage) in self.stages.enumerated() {
            if let watermark = stage.watermarkMillis { writer.sample(labels[index], Double(watermark) / 1000) }
        }
        writer.family("funnel_stage_watermark_lag_seconds", .gauge, help: "How far the stage's watermark is behind the clock.")
        for (index, stage) in self.stages.enumerated() {
            if let watermark = stage.watermarkMillis { writer.sample(labels[index], max(0, Double(self.nowMillis) - Double(watermark)) / 1000) }
        }
        writer.family(
            "funnel_watermark_violations", .counter,
            help: "Events reported for buckets their watermarks had already settled: a reporter reported past its own watermark."
        )
        for (index, stage) in self.stages.enumerated() { writer.sample(labels[index], stage.violations) }
    }
}
