/// A latency summary as the API shows it, in milliseconds: percentiles, maximum, mean and count.
public struct LatencyQuantiles: Sendable, Hashable, Codable {
    public var p50: Double?
    public var p90: Double?
    public var p95: Double?
    public var p99: Double?
    public var p999: Double?
    public var max: Double?
    public var mean: Double?
    public var count: UInt64

    /// The quantiles reported everywhere, with their label values.
    public static let reported: [(label: String, q: Double)] = [("0.5", 0.5), ("0.9", 0.9), ("0.95", 0.95), ("0.99", 0.99), ("0.999", 0.999)]

    public init(_ sketch: LatencySketch) {
        self.p50 = sketch.quantile(0.5)
        self.p90 = sketch.quantile(0.9)
        self.p95 = sketch.quantile(0.95)
        self.p99 = sketch.quantile(0.99)
        self.p999 = sketch.quantile(0.999)
        self.max = sketch.isEmpty ? nil : sketch.max
        self.mean = sketch.mean
        self.count = sketch.count
    }
}
