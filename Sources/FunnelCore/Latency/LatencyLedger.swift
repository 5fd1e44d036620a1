/// Every stage's and pipeline's latency: percentiles over sliding arrival-time windows and Prometheus histograms.
public struct LatencyLedger: Sendable, Hashable {
    public let bucketsSeconds: [Double]
    public private(set) var stages: [StageKey: LatencySeries] = [:]
    public private(set) var endToEnd: [String: LatencySeries] = [:]

    public init(bucketsSeconds: [Double] = LatencyHistogram.defaultBounds) {
        self.bucketsSeconds = bucketsSeconds
    }

    /// Adds a batch's latencies to the slices holding `nowMillis`.
    public mutating func apply(_ batch: ReportBatch, nowMillis: Int64) {
        let now = PipelineSettings.floorSeconds(nowMillis)
        for (key, observations) in batch.stageLatencies {
            self.stages[key, default: LatencySeries(bucketsSeconds: self.bucketsSeconds)].add(observations, nowSeconds: now)
        }
        for (pipeline, observations) in batch.endToEndLatencies {
            self.endToEnd[pipeline, default: LatencySeries(bucketsSeconds: self.bucketsSeconds)].add(observations, nowSeconds: now)
        }
    }

    /// Drops slices that left every window.
    public mutating func expire(nowMillis: Int64) {
        let now = PipelineSettings.floorSeconds(nowMillis)
        for key in self.stages.keys { self.stages[key]!.expire(nowSeconds: now) }
        for key in self.endToEnd.keys { self.endToEnd[key]!.expire(nowSeconds: now) }
    }

    /// A stage's sketch over `window` ending at `nowMillis`.
    public func sketch(stage: StageKey, window: LatencyWindow, nowMillis: Int64) -> LatencySketch {
        self.stages[stage]?.sketch(window, nowSeconds: PipelineSettings.floorSeconds(nowMillis)) ?? LatencySketch()
    }

    /// A pipeline's end-to-end sketch over `window` ending at `nowMillis`.
    public func endToEndSketch(pipeline: String, window: LatencyWindow, nowMillis: Int64) -> LatencySketch {
        self.endToEnd[pipeline]?.sketch(window, nowSeconds: PipelineSettings.floorSeconds(nowMillis)) ?? LatencySketch()
    }
}
