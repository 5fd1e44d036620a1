/// How a difference of counts (what went in minus what came out) is shown: as loss or excess once its buckets have
/// settled, as in flight while they have not.
///
/// The one place the funnel, the bucket detail and the transit hops turn differences into `lost`, `in_flight` and
/// `excess`, so the three can never disagree.
struct LossSplit {
    var lost: UInt64
    var inFlight: UInt64
    var excess: UInt64

    /// The split of a `settled` difference and an `unsettled` one.
    init(settled: Int64, unsettled: Int64) {
        self.lost = settled.positivePart
        self.inFlight = unsettled.positivePart
        self.excess = settled.negativePart
    }

    /// The split of one bucket's difference: settled or not.
    init(_ difference: Int64, isSettled: Bool) {
        self.init(settled: isSettled ? difference : 0, unsettled: isSettled ? 0 : difference)
    }

    /// What `upstream` passed on minus what `downstream` received: the difference of a transit hop.
    static func transit(from upstream: StageCounts, to downstream: StageCounts) -> Int64 {
        Int64(clamping: Int128(upstream.passed) - Int128(downstream.received))
    }
}
