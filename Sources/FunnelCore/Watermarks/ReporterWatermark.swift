/// What one reporter last said: its watermark, and when it was last heard from (both Unix milliseconds).
public struct ReporterWatermark: Sendable, Hashable {
    public var watermarkMillis: Int64
    public var lastSeenMillis: Int64

    public init(watermarkMillis: Int64, lastSeenMillis: Int64) {
        self.watermarkMillis = watermarkMillis
        self.lastSeenMillis = lastSeenMillis
    }

    /// The two readings of one reporter as one: the later watermark (a watermark only moves forward; an older one
    /// is ignored) and the later sighting.
    public func merged(with other: ReporterWatermark) -> ReporterWatermark {
        ReporterWatermark(watermarkMillis: max(self.watermarkMillis, other.watermarkMillis), lastSeenMillis: max(self.lastSeenMillis, other.lastSeenMillis))
    }
}
