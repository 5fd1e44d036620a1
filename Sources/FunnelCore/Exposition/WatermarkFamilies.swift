/// The watermark families in `/metrics`, for the stages of pipelines whose reporters send watermarks.
public struct WatermarkFamilies: MetricsSource {
    /// One stage of a pipeline with watermarks, and its watermark (nil when no reporter is live).
    public struct Stage: Sendable {
        public var pipeline: String
        public var stage: String
        public var watermarkMillis: Int64?
    }

    public var stages: [Stage]
    /// Violations per reporter the late reports named, `""` for those that named none, in stage order.
    public var violations: [(pipeline: String, stage: String, reporter: String, count: UInt64)]
    /// The time the ledger was settled to, Unix milliseconds: the lag is measured from it.
    public var nowMillis: Int64

    /// The watermarked stages of `ledger`, in pipeline and stage order. O(stages of watermarked pipelines).
    public init(_ ledger: borrowing FunnelLedger) {
        var stages: [Stage] = []
        if !ledger.watermarks.isEmpty {
            for pipeline in ledger.pipelines where ledger.watermarks[pipeline.name] != nil {
                for stage in pipeline.stages {
                    stages.append(
                        Stage(
                            pipeline: pipeline.name, stage: stage,
                            watermarkMillis: ledger.stageWatermark(pipeline: pipeline.name, stage: stage, nowMillis: ledger.latestMillis)
                        )
                    )
                }
            }
        }
        self.stages = stages
        self.nowMillis = ledger.latestMillis
        var violations: [(pipeline: String, stage: String, reporter: String, count: UInt64)] = []
        for stage in stages {
            let key = ReporterKey(pipeline: stage.pipeline, stage: stage.stage, reporter: "")
            violations.append((stage.pipeline, stage.stage, "", ledger.violationsByReporter[key] ?? 0))
        }
        for (key, count) in ledger.violationsByReporter.sorted(by: { ($0.key.pipeline, $0.key.stage, $0.key.reporter) < ($1.key.pipeline, $1.key.stage, $1.key.reporter) })
        where !key.reporter.isEmpty {
            violations.append((key.pipeline, key.stage, key.reporter, count))
        }
        self.violations = violations
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
            help: "Events reported for buckets their watermarks had already settled, by the reporter the reports named (empty: none)."
        )
        for entry in self.violations {
            writer.sample(ExpositionWriter.labels(["pipeline": entry.pipeline, "stage": entry.stage, "reporter": entry.reporter]), entry.count)
        }
    }
}
