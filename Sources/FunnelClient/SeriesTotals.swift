import Foundation
import FunnelCore

/// The events and latencies aggregated for one series since the last batch was sealed.
///
/// Latencies are kept the way the server's DDSketch keeps them: counts per logarithmic bucket of the same
/// relative width (``LatencySketch/relativeAccuracy``), so the percentiles the server computes from the
/// aggregated reports are as accurate as if every sample had been sent, in bounded memory. The stage latency
/// and the end-to-end latency are two such distributions of the same events.
struct SeriesTotals: Sendable, Hashable {
    var count: UInt64 = 0
    /// The stage latencies of the events that came with one.
    private(set) var latency = LatencyBuckets()
    /// The end-to-end latencies (entering the pipeline to this outcome) of the events that came with one.
    private(set) var endToEnd = LatencyBuckets()

    mutating func add(_ count: UInt64, latencyMillis: Double?, endToEndMillis: Double? = nil) {
        self.count = self.count.addingSaturated(count)
        if let latencyMillis { self.latency.add(count, millis: latencyMillis) }
        if let endToEndMillis { self.endToEnd.add(count, millis: endToEndMillis) }
    }

    /// Reports this series becomes, at most: each distribution's buckets plus the events without a value.
    var reportEstimate: Int { self.latency.bucketCount + self.endToEnd.bucketCount + 1 }

    /// Heap bytes held beyond the entry itself: the two bucket arrays.
    var heapBytes: Int { self.latency.heapBytes + self.endToEnd.heapBytes }

    /// The reports that carry these totals.
    ///
    /// The two distributions are walked side by side, each from its smallest bucket to the events without a value,
    /// and every step is one report with the events both have left at that point: each report's events get the
    /// representative value of their latency bucket and of their end-to-end bucket, so the server's stage and
    /// end-to-end sketches both receive exactly the distributions recorded. Each report carries at most the
    /// server's ``ReportBodyParser/maximumCount`` so none is refused for its size.
    func reports(for key: SeriesKey) -> [StageReport] {
        var reports: [StageReport] = []
        var latency = self.latency.steps(total: self.count).makeIterator()
        var endToEnd = self.endToEnd.steps(total: self.count).makeIterator()
        var a = latency.next()
        var b = endToEnd.next()
        while let left = a, let right = b {
            let part = min(left.count, right.count, ReportBodyParser.maximumCount)
            if part > 0 {
                reports.append(
                    StageReport(
                        pipeline: key.pipeline, stage: key.stage, outcome: key.outcome, count: part, eventTimeMillis: key.bucketMillis,
                        latencyMillis: left.millis, endToEndMillis: right.millis, labels: key.labels
                    )
                )
            }
            a = left.count == part ? latency.next() : (left.count - part, left.millis)
            b = right.count == part ? endToEnd.next() : (right.count - part, right.millis)
        }
        return reports
    }
}

/// Counts per logarithmic latency bucket, sorted by bucket: 16 bytes a bucket, found by binary search.
struct LatencyBuckets: Sendable, Hashable {
    /// The bucket index that holds latencies below ``LatencySketch/minimumMillis`` (shown as 0).
    static let zeroIndex = Int32.min

    static let gamma = (1 + LatencySketch.relativeAccuracy) / (1 - LatencySketch.relativeAccuracy)
    static let logGamma = log(gamma)

    private struct Bucket: Sendable, Hashable {
        var index: Int32
        var count: UInt64
    }

    private var buckets: [Bucket] = []

    var bucketCount: Int { self.buckets.count }

    /// Events that came with a value.
    var count: UInt64 { self.buckets.reduce(UInt64(0)) { $0.addingSaturated($1.count) } }

    /// What the bucket array holds on the heap: its header and its capacity, as the allocator hands it out.
    var heapBytes: Int { self.buckets.capacity == 0 ? 0 : HeapSize.allocation(32 + self.buckets.capacity * MemoryLayout<Bucket>.stride) }

    mutating func add(_ count: UInt64, millis: Double) {
        let index = Self.index(millis)
        var low = 0
        var high = self.buckets.count
        while low < high {
            let middle = (low + high) / 2
            if self.buckets[middle].index < index { low = middle + 1 } else { high = middle }
        }
        if low < self.buckets.count, self.buckets[low].index == index {
            self.buckets[low].count = self.buckets[low].count.addingSaturated(count)
        } else {
            self.buckets.insert(Bucket(index: index, count: count), at: low)
        }
    }

    /// The bucket of a latency: latencies up to ``ReportBodyParser/maximumLatencyMillis`` give indexes far inside Int32.
    static func index(_ millis: Double) -> Int32 {
        guard millis >= LatencySketch.minimumMillis else { return Self.zeroIndex }
        return Int32(rounding: log(millis) / Self.logGamma, .up) ?? Self.zeroIndex
    }

    /// The value that stands for bucket `index`: within the relative accuracy of every value in it, and never past
    /// the largest latency a report may carry.
    static func representative(_ index: Int32) -> Double {
        guard index != Self.zeroIndex else { return 0 }
        return min(2 * pow(Self.gamma, Double(index)) / (Self.gamma + 1), ReportBodyParser.maximumLatencyMillis)
    }

    /// (events, value) per bucket from the smallest, then the events of `total` without a value (value nil).
    func steps(total: UInt64) -> [(count: UInt64, millis: Double?)] {
        var steps = self.buckets.map { (count: $0.count, millis: Optional(Self.representative($0.index))) }
        steps.append((total.subtractingSaturated(self.count), nil))
        return steps
    }
}

/// What the allocator hands out for a request, as glibc's malloc does: the request plus an 8-byte header,
/// rounded up to 16 bytes, at least 32.
enum HeapSize {
    static func allocation(_ bytes: Int) -> Int {
        max(32, (bytes + 8 + 15) & ~15)
    }

    /// Heap bytes of a string: none for the up to 15 UTF-8 bytes kept inline; otherwise its own allocation
    /// (counted even when shared with the caller's copy, so the estimate errs high).
    static func string(_ text: String) -> Int {
        let count = text.utf8.count
        return count <= 15 ? 0 : Self.allocation(32 + count + 1)
    }

    /// Heap bytes of label values: the dictionary's hash table (at most 3/4 full) and its strings.
    static func labels(_ labels: [String: String]) -> Int {
        guard !labels.isEmpty else { return 0 }
        let table = Self.allocation(64 + 2 * labels.count * (2 * MemoryLayout<String>.stride + 1))
        return labels.reduce(table) { $0 + Self.string($1.key) + Self.string($1.value) }
    }
}
