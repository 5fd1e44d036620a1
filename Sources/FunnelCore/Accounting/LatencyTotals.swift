/// Count, sum and maximum of latency samples: what is kept of latencies until percentiles exist.
public struct LatencyTotals: Sendable, Hashable, Codable {
    public var count: UInt64
    public var sumMillis: Double
    public var maxMillis: Double

    public init(count: UInt64 = 0, sumMillis: Double = 0, maxMillis: Double = 0) {
        self.count = count
        self.sumMillis = sumMillis
        self.maxMillis = maxMillis
    }

    /// Records `count` events that each took `millis`.
    public mutating func record(_ millis: Double, count: UInt64 = 1) {
        self.count &+= count
        self.sumMillis += millis * Double(count)
        self.maxMillis = max(self.maxMillis, millis)
    }

    public mutating func merge(_ other: LatencyTotals) {
        self.count &+= other.count
        self.sumMillis += other.sumMillis
        self.maxMillis = max(self.maxMillis, other.maxMillis)
    }

    /// Mean latency in milliseconds, or nil without samples.
    public var meanMillis: Double? { self.count == 0 ? nil : self.sumMillis / Double(self.count) }
}
