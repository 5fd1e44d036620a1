import Foundation
import FunnelCore

/// One series of a sealed batch: what it aggregates by and its totals.
struct SeriesEntry: Sendable, Hashable {
    var key: SeriesKey
    var totals: SeriesTotals

    /// Estimated bytes: the entry's slot in its array, the heap of its bucket arrays, and its names' heap.
    var estimatedBytes: Int {
        MemoryLayout<SeriesEntry>.stride + self.totals.heapBytes + HeapSize.string(self.key.pipeline) + HeapSize.string(self.key.stage)
    }
}

/// A sealed batch of series waiting to be confirmed, with the `Idempotency-Key` it keeps across retries.
///
/// It holds the aggregated series, not their reports or JSON: the body is written when the batch is about to be
/// sent and kept only while it is the head, so a batch waiting out an outage costs its series and no more. The
/// writing is deterministic, so every retry sends the same bytes under the same key.
struct PendingBatch: Sendable {
    /// The request body and, per report in it, the position of the series it came from.
    struct Encoded: Sendable {
        var body: [UInt8]
        var seriesOfReport: [Int32]

        var estimatedBytes: Int {
            HeapSize.allocation(32 + self.body.capacity) + HeapSize.allocation(32 + self.seriesOfReport.capacity * 4)
        }
    }

    private(set) var entries: [SeriesEntry]
    private(set) var idempotencyKey: String
    /// Failed attempts of this batch.
    var attempts = 0
    /// Whether an attempt may have reached the server without its answer reaching us (a timeout, a cut connection,
    /// cancellation mid-request): the server may have counted it, so giving up on it is not a known loss.
    var maybeDelivered = false
    private(set) var encoded: Encoded?
    private(set) var eventCount: UInt64
    private(set) var estimatedBytes: Int

    init(entries: [SeriesEntry]) {
        self.entries = entries
        self.idempotencyKey = UUID().uuidString
        self.eventCount = entries.reduce(UInt64(0)) { $0.addingSaturated($1.totals.count) }
        self.estimatedBytes = Self.overhead + entries.reduce(0) { $0 + $1.estimatedBytes } + (entries.capacity - entries.count) * MemoryLayout<SeriesEntry>.stride
    }

    /// The batch's own bytes: its slot in the queue, the entries array's header and the key's allocation.
    static let overhead = MemoryLayout<PendingBatch>.stride + 32 + HeapSize.allocation(32 + 37)

    var seriesCount: Int { self.entries.count }

    /// Writes the body unless it is already written; returns the bytes the writing added.
    mutating func encode() -> Int {
        guard self.encoded == nil else { return 0 }
        var reports: [StageReport] = []
        var seriesOfReport: [Int32] = []
        for (position, entry) in self.entries.enumerated() {
            let parts = entry.totals.reports(for: entry.key)
            reports.append(contentsOf: parts)
            seriesOfReport.append(contentsOf: repeatElement(Int32(position), count: parts.count))
        }
        let encoded = Encoded(body: ReportBodyWriter.body(reports), seriesOfReport: seriesOfReport)
        self.encoded = encoded
        return encoded.estimatedBytes
    }

    /// Forgets the written body (it is written again, the same, when needed); returns the bytes freed.
    mutating func forgetBody() -> Int {
        defer { self.encoded = nil }
        return self.encoded?.estimatedBytes ?? 0
    }

    /// The series that report `index` of the body came from.
    func series(ofReport index: Int) -> SeriesEntry? {
        guard let encoded = self.encoded, index >= 0, index < encoded.seriesOfReport.count else { return nil }
        return self.entries[Int(encoded.seriesOfReport[index])]
    }

    /// Removes the series matching `rule`; the rest is a new request body, so it gets a new key. Returns what went.
    mutating func removeSeries(where rule: (SeriesEntry) -> Bool) -> [SeriesEntry] {
        let removed = self.entries.filter(rule)
        guard !removed.isEmpty else { return [] }
        self.entries.removeAll(where: rule)
        self.renew()
        return removed
    }

    /// Puts the newest event-time bucket first (keeping the order within a bucket): after an event time refused as
    /// too old, the next refusal then names the newest series too old, and every older one goes with it.
    mutating func putNewestFirst() {
        self.entries = self.entries.enumerated()
            .sorted { $0.element.key.bucketMillis != $1.element.key.bucketMillis ? $0.element.key.bucketMillis > $1.element.key.bucketMillis : $0.offset < $1.offset }
            .map(\.element)
        self.encoded = nil
    }

    /// Splits off the second half of the series as a batch of its own; both get new keys.
    mutating func splitOffHalf() -> PendingBatch {
        let half = self.entries.count / 2
        let second = PendingBatch(entries: Array(self.entries[half...]))
        self.entries.removeSubrange(half...)
        self.renew()
        return second
    }

    private mutating func renew() {
        self.idempotencyKey = UUID().uuidString
        self.encoded = nil
        self.maybeDelivered = false
        self.eventCount = self.entries.reduce(UInt64(0)) { $0.addingSaturated($1.totals.count) }
        self.estimatedBytes = Self.overhead + self.entries.reduce(0) { $0 + $1.estimatedBytes }
    }
}
