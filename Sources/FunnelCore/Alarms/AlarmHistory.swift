/// Recent samples of the totals an alarm watches for change (dead-lettered, or received and upstream passed).
public struct AlarmHistory: Sendable, Hashable {
    /// One tick's totals.
    public struct Sample: Sendable, Hashable {
        public var millis: Int64
        public var primary: UInt64
        public var secondary: UInt64
    }

    public private(set) var samples: [Sample] = []
    /// When `primary` last changed (or tracking began), Unix milliseconds.
    public private(set) var lastChangeMillis: Int64 = 0
    let keepSeconds: Int64

    init(keepSeconds: Int64) {
        self.keepSeconds = keepSeconds
    }

    mutating func record(primary: UInt64, secondary: UInt64, nowMillis: Int64) {
        if self.samples.last?.primary != primary { self.lastChangeMillis = nowMillis }
        self.samples.append(Sample(millis: nowMillis, primary: primary, secondary: secondary))
        let oldest = nowMillis - self.keepSeconds * 1000
        // Keep one sample at or before the window start, so a full window can be measured.
        if let firstInside = self.samples.firstIndex(where: { $0.millis >= oldest }), firstInside > 1 {
            self.samples.removeFirst(firstInside - 1)
        }
    }

    /// The sample at (or just before) the window start and the latest sample.
    func span(windowSeconds: Int64, nowMillis: Int64) -> (Sample, Sample)? {
        guard let last = self.samples.last else { return nil }
        let start = nowMillis - windowSeconds * 1000
        let first = self.samples.last(where: { $0.millis <= start }) ?? self.samples.first!
        return (first, last)
    }
}
