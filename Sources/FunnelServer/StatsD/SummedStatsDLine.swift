import FunnelCore

/// One distinct StatsD line (everything but its value) in a ``StatsDAccumulator``, with what it summed since the last flush.
struct SummedStatsDLine {
    let resolved: ResolvedStatsDLine
    /// Where the line's key starts in the accumulator's key bytes, how long it is, and how much of it is the name.
    let keyStart: Int
    let keyCount: Int
    let nameCount: Int
    /// Events per timer sample, from the line's sample rate.
    let weight: UInt64
    /// Lines counted since the last flush; 0 when the line waits for nothing.
    var lines: UInt64 = 0
    /// Counters: the whole events, scaled by the sample rate.
    var count: UInt64 = 0
    /// Counters: the fraction of an event scaled values left over, carried from line to line and flush to flush, so
    /// that 33 lines of `1|c|@0.3` count 110, not 33 times 3.
    var carry: Double = 0
    /// Timers: the samples (always there for a timer, so that recording never copies it).
    var latency: LatencyObservations?
    /// Gauges: the last depth.
    var depth: UInt64 = 0
}
