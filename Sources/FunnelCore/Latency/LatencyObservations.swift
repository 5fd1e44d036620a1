/// Latency samples of one request for one stage (or one pipeline end to end): a sketch and a histogram.
public struct LatencyObservations: Sendable, Hashable {
    public var sketch = LatencySketch()
    public var histogram: LatencyHistogram

    public init(bucketsSeconds: [Double] = LatencyHistogram.defaultBounds) {
        self.histogram = LatencyHistogram(bounds: bucketsSeconds)
    }

    /// Records one duration applying to each of `count` events, and individual samples.
    public mutating func record(_ millis: Double?, count: UInt64, samples: [Double]) {
        if let millis {
            self.sketch.record(millis, count: count)
            self.histogram.record(millis, count: count)
        }
        for sample in samples {
            self.sketch.record(sample)
            self.histogram.record(sample)
        }
    }

    public mutating func merge(_ other: LatencyObservations) {
        self.sketch.merge(other.sketch)
        self.histogram.merge(other.histogram)
    }
}
