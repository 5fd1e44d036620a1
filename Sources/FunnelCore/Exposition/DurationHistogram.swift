/// Durations counted into fixed buckets, for a `_seconds` histogram: per-bucket counts, the sum and the count.
public struct DurationHistogram: Sendable, Hashable {
    /// Prometheus' default bucket bounds, in seconds.
    public static let defaultBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    public let bounds: [Double]
    /// Count per bucket (not cumulative), the last one past every bound.
    public private(set) var counts: [UInt64]
    public private(set) var sum: Double = 0
    public private(set) var count: UInt64 = 0

    public init(bounds: [Double] = DurationHistogram.defaultBounds) {
        self.bounds = bounds
        self.counts = [UInt64](repeating: 0, count: bounds.count + 1)
    }

    /// Counts one duration; a negative or non-finite one counts as 0.
    public mutating func record(seconds: Double) {
        let seconds = seconds.isFinite ? max(0, seconds) : 0
        let bucket = self.bounds.firstIndex { seconds <= $0 } ?? self.bounds.count
        self.counts[bucket] &+= 1
        self.sum += seconds
        self.count &+= 1
    }

    /// The counts summed up to each bound, then `+Inf`, as `_bucket` samples show them.
    public var cumulativeCounts: [UInt64] {
        var running: UInt64 = 0
        return self.counts.map { count in
            running &+= count
            return running
        }
    }
}

extension ExpositionWriter {
    /// Writes one series of the current histogram family from `histogram`, with `le` labels from `buckets`
    /// (``bucketLabels(bounds:)`` of its bounds).
    public mutating func histogram(_ labels: ExpositionLabels, buckets: [ExpositionLabels], _ histogram: DurationHistogram) {
        self.histogram(labels, buckets: buckets, cumulativeCounts: histogram.cumulativeCounts, sum: histogram.sum, count: histogram.count)
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    public var inSeconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
