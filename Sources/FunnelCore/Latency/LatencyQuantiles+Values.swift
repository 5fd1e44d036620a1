extension LatencyQuantiles {
    /// A summary from known figures, as a client decodes it or a test writes it down.
    public init(
        p50: Double? = nil, p90: Double? = nil, p95: Double? = nil, p99: Double? = nil, p999: Double? = nil,
        max: Double? = nil, mean: Double? = nil, count: UInt64 = 0
    ) {
        self.init(LatencySketch())
        self.p50 = p50
        self.p90 = p90
        self.p95 = p95
        self.p99 = p99
        self.p999 = p999
        self.max = max
        self.mean = mean
        self.count = count
    }
}
