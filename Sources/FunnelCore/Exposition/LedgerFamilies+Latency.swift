// MARK: Latency

extension LedgerFamilies {
    /// Writes each stage's and each pipeline's end-to-end latency: histograms as reported, and quantiles over windows.
    static func latency(
        _ writer: inout ExpositionWriter, ledger: FunnelLedger, pipelines: [PipelineLedger], stageSets: ExpositionLabelSets, stageBase: [Int]
    ) {
        let buckets = writer.bucketLabels(bounds: ledger.latency.bucketsSeconds)
        let windowLabels = LatencyWindow.allCases.map { ExpositionLabels(["window": $0.rawValue]) }
        let now = ledger.latestMillis
        writer.family("funnel_stage_latency_seconds", .histogram, help: "Latency of each stage's events, as reported.")
        for (pipelineIndex, pipeline) in pipelines.enumerated() {
            for (index, stage) in pipeline.stages.enumerated() {
                guard let series = ledger.latency.stages[StageKey(pipeline: pipeline.name, stage: stage)] else { continue }
                let histogram = series.histogram
                writer.histogram(
                    stageSets, stageBase[pipelineIndex] + index, buckets: buckets, cumulativeCounts: histogram.cumulativeCounts,
                    sum: histogram.sumSeconds, count: histogram.count
                )
            }
        }
        writer.family(
            "funnel_stage_latency_quantile_seconds", .summary,
            help: "Latency percentiles of each stage over sliding windows of arrival time (1m, 5m, 1h), within 1% relative error."
        )
        for (pipelineIndex, pipeline) in pipelines.enumerated() {
            for (index, stage) in pipeline.stages.enumerated() {
                for (windowIndex, window) in LatencyWindow.allCases.enumerated() {
                    let sketch = ledger.latency.sketch(stage: StageKey(pipeline: pipeline.name, stage: stage), window: window, nowMillis: now)
                    guard !sketch.isEmpty else { continue }
                    writer.summary(
                        stageSets, stageBase[pipelineIndex] + index, windowLabels[windowIndex], quantiles: Self.quantiles(sketch), sum: sketch.sum / 1000,
                        count: sketch.count
                    )
                }
            }
        }
        writer.family("funnel_pipeline_end_to_end_latency_seconds", .histogram, help: "Latency from entering the pipeline to delivery, as reported.")
        for pipeline in pipelines {
            guard let series = ledger.latency.endToEnd[pipeline.name] else { continue }
            writer.histogram(
                ExpositionLabels(["pipeline": pipeline.name]), buckets: buckets,
                cumulativeCounts: series.histogram.cumulativeCounts, sum: series.histogram.sumSeconds, count: series.histogram.count
            )
        }
        writer.family(
            "funnel_pipeline_end_to_end_latency_quantile_seconds", .summary,
            help: "End-to-end latency percentiles over sliding windows of arrival time (1m, 5m, 1h), within 1% relative error."
        )
        for pipeline in pipelines {
            for window in LatencyWindow.allCases {
                let sketch = ledger.latency.endToEndSketch(pipeline: pipeline.name, window: window, nowMillis: now)
                guard !sketch.isEmpty else { continue }
                writer.summary(ExpositionLabels(["pipeline": pipeline.name, "window": window.rawValue]), quantiles: Self.quantiles(sketch), sum: sketch.sum / 1000, count: sketch.count)
            }
        }
    }

    /// The reported quantiles of `sketch`, in seconds, with their `quantile` labels.
    private static func quantiles(_ sketch: LatencySketch) -> [(label: ExpositionLabels, value: Double)] {
        zip(Self.quantileLabels, LatencyQuantiles.reported).map { ($0, (sketch.quantile($1.q) ?? 0) / 1000) }
    }

    /// The `quantile` label of each reported quantile.
    private static let quantileLabels = LatencyQuantiles.reported.map { ExpositionLabels(["quantile": $0.label]) }
}
