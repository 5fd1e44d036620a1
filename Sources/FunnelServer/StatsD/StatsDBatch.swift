public import FunnelCore

/// What a ``StatsDAccumulator`` hands on at a flush: entries for the ledger, each with the lines behind it.
///
/// Lines that repeat one series are summed into one entry, so the weights say how many lines each entry stands
/// for; a refused entry refuses all of its lines.
public struct StatsDBatch: Sendable, Equatable {
    public var entries = IngestEntries()
    /// Lines behind each of `entries.stageReports`.
    public var reportLines: [UInt64] = []
    /// Lines behind each of `entries.latencies`.
    public var latencyLines: [UInt64] = []
    /// Lines behind each of `entries.queueDepths`.
    public var depthLines: [UInt64] = []
    /// Counter lines with the value 0: accepted, with nothing to count.
    public var zeroCountLines: UInt64 = 0

    public init() {}

    /// Entries for the ledger: stage reports, latencies and DLQ depths.
    public var entryCount: Int { self.entries.count }

    /// Whether the batch carries no line at all.
    public var isEmpty: Bool { self.entryCount == 0 && self.zeroCountLines == 0 }

    /// The lines of every entry in the order the intake numbers them: stage reports, then latencies, then DLQ depths.
    public var weights: [UInt64] { self.reportLines + self.latencyLines + self.depthLines }

    /// Every line in the batch.
    public var lines: UInt64 { self.weights.reduce(self.zeroCountLines, &+) }

    mutating func append(_ report: StageReport, lines: UInt64) {
        self.entries.stageReports.append(report)
        self.reportLines.append(lines)
    }

    mutating func append(_ latency: StageLatency, lines: UInt64) {
        self.entries.latencies.append(latency)
        self.latencyLines.append(lines)
    }

    mutating func append(_ depth: QueueDepthReport, lines: UInt64) {
        self.entries.queueDepths.append(depth)
        self.depthLines.append(lines)
    }
}
