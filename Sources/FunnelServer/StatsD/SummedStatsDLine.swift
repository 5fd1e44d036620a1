import FunnelCore

/// One distinct meaning of a StatsD line in a ``StatsDAccumulator``, with what it summed since the last flush.
struct SummedStatsDLine {
    let resolved: ResolvedStatsDLine
    /// Where the line's meaning key starts in the accumulator's key bytes, and how long it is.
    var keyStart: Int
    let keyCount: Int
    /// Events per timer sample, from the line's sample rate.
    let weight: UInt64
    /// The drain that last handed on something of this line; when the line is first seen, the drain to come.
    var lastDrain: UInt32
    /// Lines counted since the last flush; 0 when the line waits for nothing.
    var lines: UInt64 = 0
    /// Counters: the whole events, scaled by the sample rate.
    var count: UInt64 = 0
    /// Counters: the fraction of an event scaled values left over, carried from line to line and flush to flush, so
    /// that 33 lines of `1|c|@0.3` count 110, not 33 times 3.
    var carry: Double = 0
    /// Timers: where the accumulator keeps the samples since the last flush, made by the first of them; -1 for none.
    var samples: Int32 = -1
    /// Gauges: the last depth.
    var depth: UInt64 = 0
}
