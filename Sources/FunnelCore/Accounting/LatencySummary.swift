/// Latency of a stage as the API shows it, in milliseconds.
public struct LatencySummary: Sendable, Hashable, Codable {
    public var count: UInt64
    public var mean: Double?
    public var max: Double?

    public init(_ totals: LatencyTotals) {
        self.count = totals.count
        self.mean = totals.meanMillis
        self.max = totals.count == 0 ? nil : totals.maxMillis
    }
}
