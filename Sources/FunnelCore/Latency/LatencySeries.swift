/// The latency of one stage (or one pipeline end to end): sliding windows for percentiles, and a cumulative histogram.
public struct LatencySeries: Sendable, Hashable {
    public private(set) var windows: [SlicedSketches] = LatencyWindow.allCases.map(SlicedSketches.init(window:))
    public private(set) var histogram: LatencyHistogram

    public init(bucketsSeconds: [Double]) {
        self.histogram = LatencyHistogram(bounds: bucketsSeconds)
    }

    mutating func add(_ observations: LatencyObservations, nowSeconds: Int64) {
        for index in self.windows.indices { self.windows[index].add(observations.sketch, nowSeconds: nowSeconds) }
        self.histogram.merge(observations.histogram)
    }

    mutating func expire(nowSeconds: Int64) {
        for index in self.windows.indices { self.windows[index].expire(nowSeconds: nowSeconds) }
    }

    /// The merged sketch of `window` ending at `nowSeconds`.
    public func sketch(_ window: LatencyWindow, nowSeconds: Int64) -> LatencySketch {
        self.windows.first { $0.window == window }?.merged(nowSeconds: nowSeconds) ?? LatencySketch()
    }

    /// Bytes held by the window slices.
    public var byteCount: Int { self.windows.reduce(0) { $0 + $1.byteCount } }
}
