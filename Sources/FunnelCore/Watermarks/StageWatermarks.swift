/// The watermarks of one stage's reporters, and the stage's watermark: the lowest of its live reporters'.
public struct StageWatermarks: Sendable, Hashable {
    /// Each reporter's last reading, by reporter name.
    public private(set) var reporters: [String: ReporterWatermark] = [:]

    public init() {}

    /// Takes a reporter's reading; an older watermark than the one it had is ignored, its sighting still counts.
    mutating func record(_ reporter: String, _ reading: ReporterWatermark) {
        self.reporters[reporter] = self.reporters[reporter].map { $0.merged(with: reading) } ?? reading
    }

    /// The stage's watermark at `nowMillis`: the lowest watermark of the reporters heard from within `timeoutMillis`;
    /// nil when none is live (the stage then holds its pipeline to the settling grace).
    public func watermark(nowMillis: Int64, timeoutMillis: Int64) -> Int64? {
        var lowest: Int64?
        for reading in self.reporters.values where nowMillis.subtractingReportingOverflow(reading.lastSeenMillis).partialValue <= timeoutMillis {
            lowest = min(lowest ?? reading.watermarkMillis, reading.watermarkMillis)
        }
        return lowest
    }

    /// The stage's watermark as far as it is known at `nowMillis`: the live reporters' lowest, or, when none is live,
    /// the highest any reporter reached (where a stage whose reporters all went quiet stopped).
    public func lastKnownWatermark(nowMillis: Int64, timeoutMillis: Int64) -> Int64? {
        self.watermark(nowMillis: nowMillis, timeoutMillis: timeoutMillis) ?? self.reporters.values.map(\.watermarkMillis).max()
    }

    /// The latest time any reporter of the stage was heard from.
    var lastSeenMillis: Int64? { self.reporters.values.map(\.lastSeenMillis).max() }
}
