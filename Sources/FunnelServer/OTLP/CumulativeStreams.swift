/// The last point of every cumulative OTLP stream, and the differences new points make to it.
///
/// A cumulative point carries the total since `start_time_unix_nano`; what it adds is its difference from the last
/// point of its stream. A point at or before the last one's time adds nothing (an exporter's retry, or a point
/// already counted before a restart); a later start time, or a total lower than the last, is a reset, and the
/// point's whole total is new. Changes are made to ``Changes`` first and kept with ``keep(_:)`` only once the
/// counts they produced are stored, so a failed write leaves the positions where they were.
///
/// `funnel.events` positions are stored with the counts (``CumulativePosition``) and restored on start. Latency
/// histograms are kept in memory only, as the latencies themselves are: after a restart, the first point of a
/// histogram stream that started before Funnel did only sets its position.
struct CumulativeStreams: Sendable {
    /// The buckets of a histogram stream's last point.
    struct HistogramPosition: Sendable, Hashable {
        var startNanos: UInt64
        var timeNanos: UInt64
        var buckets: OTLPLatencyBuckets
        var seenMillis: Int64
    }

    /// Positions changed by one request, not yet kept.
    struct Changes: Sendable {
        var counts: [CumulativeStreamID: CumulativePosition] = [:]
        var histograms: [CumulativeStreamID: HistogramPosition] = [:]
    }

    /// What a cumulative count point adds.
    enum CountAdvance: Sendable, Equatable {
        /// `events` new events (possibly 0, when the total has not moved); the stream moves to the point.
        case add(UInt64)
        /// The point was counted already: nothing to add, the position stays.
        case seen
        /// A new stream past ``maximumStreams``: refused.
        case tooManyStreams
    }

    private(set) var counts: [CumulativeStreamID: CumulativePosition] = [:]
    private(set) var histograms: [CumulativeStreamID: HistogramPosition] = [:]
    /// The most streams of each kind kept; points of new streams past it are refused.
    let maximumStreams: Int
    /// When this process started tracking histograms (Unix nanoseconds).
    let trackingSinceNanos: UInt64

    init(restoring positions: [CumulativePosition], maximumStreams: Int, trackingSinceNanos: UInt64) {
        self.maximumStreams = maximumStreams
        self.trackingSinceNanos = trackingSinceNanos
        for position in positions { self.counts[position.stream] = position }
    }

    // MARK: Counts

    /// What `point` adds, recording its new position in `changes`.
    func advance(_ point: OTLPCountPoint, seenMillis: Int64, changes: inout Changes) -> CountAdvance {
        let moved = CumulativePosition(stream: point.stream, startNanos: point.startNanos, timeNanos: point.timeNanos, value: point.value, seenMillis: seenMillis)
        guard let last = changes.counts[point.stream] ?? self.counts[point.stream] else {
            guard self.counts.count + changes.counts.count < self.maximumStreams else { return .tooManyStreams }
            changes.counts[point.stream] = moved
            return .add(point.value)
        }
        let added: UInt64
        if point.startNanos != 0, last.startNanos != 0, point.startNanos != last.startNanos {
            guard point.startNanos > last.startNanos else { return .seen }
            added = point.value
        } else {
            guard point.timeNanos > last.timeNanos else { return .seen }
            added = point.value >= last.value ? point.value - last.value : point.value
        }
        changes.counts[point.stream] = moved
        return .add(added)
    }

    // MARK: Histograms

    /// The buckets `point` adds (nil: nothing), recording its new position in `changes`; nil as well for a new
    /// stream past ``maximumStreams``, whose second result is then true.
    func advance(_ point: OTLPLatencyPoint, seenMillis: Int64, changes: inout Changes) -> (added: OTLPLatencyBuckets?, refused: Bool) {
        let moved = HistogramPosition(startNanos: point.startNanos, timeNanos: point.timeNanos, buckets: point.buckets, seenMillis: seenMillis)
        guard let last = changes.histograms[point.stream] ?? self.histograms[point.stream] else {
            guard self.histograms.count + changes.histograms.count < self.maximumStreams else { return (nil, true) }
            changes.histograms[point.stream] = moved
            // Started before this process: its total is mostly latencies of before, which the sketch has not kept.
            let startedBefore = point.startNanos != 0 && point.startNanos < self.trackingSinceNanos
            return (startedBefore ? nil : point.buckets, false)
        }
        if point.startNanos != 0, last.startNanos != 0, point.startNanos != last.startNanos {
            guard point.startNanos > last.startNanos else { return (nil, false) }
            changes.histograms[point.stream] = moved
            return (point.buckets, false)
        }
        guard point.timeNanos > last.timeNanos else { return (nil, false) }
        changes.histograms[point.stream] = moved
        return (Self.difference(point.buckets, since: last.buckets) ?? point.buckets, false)
    }

    /// `current` minus `earlier`, bucket by bucket; nil when `current` is not a continuation of `earlier` (other
    /// bounds, a finer scale, or a bucket that went down: the stream was reset).
    static func difference(_ current: OTLPLatencyBuckets, since earlier: OTLPLatencyBuckets) -> OTLPLatencyBuckets? {
        switch (current, earlier) {
        case (.explicit(let bounds, let counts, let min, let max), .explicit(let earlierBounds, let earlierCounts, _, _)):
            guard bounds == earlierBounds, counts.count == earlierCounts.count else { return nil }
            var added: [UInt64] = []
            added.reserveCapacity(counts.count)
            for (now, before) in zip(counts, earlierCounts) {
                guard now >= before else { return nil }
                added.append(now - before)
            }
            return .explicit(bounds: bounds, counts: added, min: min, max: max)
        case (.exponential(let scale, let offset, let counts, let zeroCount), .exponential(let earlierScale, let earlierOffset, let earlierCounts, let earlierZero)):
            // An exporter only ever lowers a cumulative stream's scale; earlier buckets merge into the coarser ones.
            guard scale <= earlierScale, zeroCount >= earlierZero else { return nil }
            let shift = Int(earlierScale - scale)
            guard shift < 64 else { return nil }
            var earlierByIndex: [Int: UInt64] = [:]
            for (k, count) in earlierCounts.enumerated() where count > 0 {
                earlierByIndex[(Int(earlierOffset) + k) >> shift, default: 0] &+= count
            }
            var added: [UInt64] = []
            added.reserveCapacity(counts.count)
            for (k, count) in counts.enumerated() {
                let before = earlierByIndex.removeValue(forKey: Int(offset) + k) ?? 0
                guard count >= before else { return nil }
                added.append(count - before)
            }
            guard earlierByIndex.isEmpty else { return nil }
            return .exponential(scale: scale, offset: offset, counts: added, zeroCount: zeroCount - earlierZero)
        default:
            return nil
        }
    }

    // MARK: Keeping and forgetting

    /// Keeps the positions of a request whose counts are stored.
    mutating func keep(_ changes: Changes) {
        self.counts.merge(changes.counts) { $1 }
        self.histograms.merge(changes.histograms) { $1 }
    }

    /// Forgets streams without a point since `seenBeforeMillis`; returns how many count streams went.
    @discardableResult
    mutating func forget(seenBeforeMillis: Int64) -> Int {
        let before = self.counts.count
        self.counts = self.counts.filter { $0.value.seenMillis >= seenBeforeMillis }
        self.histograms = self.histograms.filter { $0.value.seenMillis >= seenBeforeMillis }
        return before - self.counts.count
    }
}
