/// Cumulative latency counts per Prometheus `le` bound, with sum and count: the `_bucket`/`_sum`/`_count` series.
public struct LatencyHistogram: Sendable, Hashable {
    /// Upper bounds in seconds, ascending; `+Inf` is implicit.
    public let bounds: [Double]
    /// Non-cumulative counts per bound, plus one for `+Inf`.
    public private(set) var counts: [UInt64]
    public private(set) var sumSeconds: Double = 0
    public private(set) var count: UInt64 = 0

    /// Default bounds from 1 ms to 60 s.
    public static let defaultBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    public init(bounds: [Double] = LatencyHistogram.defaultBounds) {
        self.bounds = bounds
        self.counts = Array(repeating: 0, count: bounds.count + 1)
    }

    /// Records `count` events that each took `millis`.
    public mutating func record(_ millis: Double, count: UInt64 = 1) {
        let seconds = millis / 1000
        var index = self.bounds.count
        var low = 0
        var high = self.bounds.count
        while low < high {
            let middle = (low + high) / 2
            if seconds <= self.bounds[middle] { high = middle } else { low = middle + 1 }
        }
        index = low
        self.counts[index] = self.counts[index].addingSaturated(count)
        self.count = self.count.addingSaturated(count)
        self.sumSeconds += seconds * Double(count)
    }

    public mutating func merge(_ other: LatencyHistogram) {
        guard other.bounds == self.bounds else { return }
        for index in self.counts.indices { self.counts[index] = self.counts[index].addingSaturated(other.counts[index]) }
        self.count = self.count.addingSaturated(other.count)
        self.sumSeconds += other.sumSeconds
    }

    /// Cumulative counts per bound, as `_bucket{le}` wants them (the last is `+Inf`).
    public var cumulativeCounts: [UInt64] {
        var running: UInt64 = 0
        return self.counts.map { running = running.addingSaturated($0); return running }
    }
}
