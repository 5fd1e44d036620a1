/// How one pipeline's events are bucketed by event time and when a bucket's differences become loss.
public struct PipelineSettings: Sendable, Hashable {
    /// Width of an event-time bucket, in seconds.
    public var bucketSeconds: Int64
    /// How long after a bucket ends its counts are final: differences in it then count as loss, not in flight.
    public var settleAfterSeconds: Int64

    public init(bucketSeconds: Int64 = 60, settleAfterSeconds: Int64 = 300) {
        self.bucketSeconds = bucketSeconds
        self.settleAfterSeconds = settleAfterSeconds
    }

    /// Start, in Unix seconds, of the bucket holding the event time `millis`.
    @inline(__always)
    public func bucketStart(forMillis millis: Int64) -> Int64 {
        let seconds = Self.floorSeconds(millis)
        let remainder = seconds % self.bucketSeconds
        return remainder >= 0 ? seconds - remainder : seconds - remainder - self.bucketSeconds
    }

    /// The first bucket start that is not yet settled at `nowMillis`: every bucket starting before it is settled.
    public func settledBoundary(nowMillis: Int64) -> Int64 {
        // A bucket is settled when now >= bucket_end + settle_after, i.e. start <= now - settle_after - width.
        let latestSettledEnd = Self.floorSeconds(nowMillis) - self.settleAfterSeconds
        return self.bucketStart(forMillis: (latestSettledEnd - self.bucketSeconds) * 1000) + self.bucketSeconds
    }

    static func floorSeconds(_ millis: Int64) -> Int64 {
        millis % 1000 < 0 ? millis / 1000 - 1 : millis / 1000
    }
}
