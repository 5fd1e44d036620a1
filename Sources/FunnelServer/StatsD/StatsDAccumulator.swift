import Foundation
public import FunnelCore

/// StatsD lines summed by what they mean until the next flush: counters add up, timers go into a sketch, gauges
/// keep their last depth.
///
/// A StatsD stream repeats a few distinct meanings (name, type, rate, the tags Funnel reads) with changing values and
/// tags Funnel ignores (`host:`, `env:`), so each meaning is worked out once (mapping, checked names) and remembered in
/// an open-addressing table keyed by ``StatsDLineFields/meaningKey(name:into:)``: lines of 400 hosts that differ only
/// in their `host:` tag share one entry, and a repeated meaning costs taking the line apart, a hash, a comparison and
/// a number. The table grows with the meanings it holds, up to ``capacity``; once full, a drain forgets the meanings
/// that went quiet since the drain before, so a stream whose meanings change (new series, new `event_time` tags) stays
/// on the fast path. Only lines past the capacity within one flush are resolved each time and kept one by one. A
/// lookup probes at most ``maximumProbes`` slots, so names crafted to collide cost no more than that either. Lines
/// that fail are never remembered.
public struct StatsDAccumulator: Sendable {
    /// The most distinct meanings remembered: 192 bytes each as built (``bytesPerRememberedLine``) plus the key, and
    /// 4 MiB of slots when full, about 32 MiB in all.
    public static let capacity = 131_072
    /// The most slots one lookup probes; a line that would need more is not remembered.
    public static let maximumProbes = 16
    /// Slots of an empty table; doubled whenever the meanings would fill more than a quarter of them.
    static let initialSlotCount = 1 << 12
    /// Slots of a full table: at most a quarter of them used, so that a run of ``maximumProbes`` full slots is
    /// rare enough never to be seen (about 0.25^16 per meaning).
    static let maximumSlotCount = 1 << 19

    /// Works out what a line not seen before means.
    public let parser: StatsDLineParser
    private let latencyBounds: [Double]
    /// The meaning keys of all remembered lines, back to back.
    private var keys: [UInt8] = []
    private var lines: [SummedStatsDLine] = []
    /// Per slot, the high 32 bits of the hash and the index into `lines` plus one; 0 for an empty slot.
    private var slots: [UInt64]
    private let seed: UInt64
    /// Lines with something to hand on at the next flush.
    private var waiting: [Int32] = []
    /// The timer samples of the lines that wait, indexed by ``SummedStatsDLine/samples``: only busy timers hold a sketch.
    private var samples: [LatencyObservations] = []
    /// Lines past the table's capacity, one entry each.
    private var unsummed = StatsDBatch()
    /// The meaning key of the line being added, kept to reuse its storage.
    private var scratch: [UInt8] = []
    /// Drains so far, to tell the lines that went quiet.
    private var drains: UInt32 = 0

    /// Sums lines `parser` understands; `seed` varies the hash so that colliding names cannot be prepared offline.
    public init(parser: StatsDLineParser, latencyBucketsSeconds: [Double] = LatencyHistogram.defaultBounds, seed: UInt64 = .random(in: .min ... .max)) {
        self.parser = parser
        self.latencyBounds = latencyBucketsSeconds
        self.slots = Array(repeating: 0, count: Self.initialSlotCount)
        self.seed = seed
        self.scratch.reserveCapacity(256)
    }

    /// Entries the next flush hands on: one per distinct line that waits, plus the lines kept one by one.
    public var waitingEntries: Int { self.waiting.count + self.unsummed.entryCount }

    /// Distinct meanings remembered.
    public var rememberedLines: Int { self.lines.count }

    /// Slots of the table now.
    var slotCount: Int { self.slots.count }

    /// Bytes one remembered meaning holds besides its key and its names' text: its entry and two slots.
    public static var bytesPerRememberedLine: Int { MemoryLayout<SummedStatsDLine>.stride + 2 * MemoryLayout<UInt64>.stride }

    /// Takes every line of a datagram or a stream chunk; `rejected` is called with each line that is not counted.
    ///
    /// Lines end at `\n`, with or without a `\r` before it; blank lines are skipped. Lines longer than
    /// `maximumLineBytes` are refused as too long.
    public mutating func add(
        _ bytes: UnsafeRawBufferPointer,
        maximumLineBytes: Int = .max,
        rejected: (UnsafeRawBufferPointer, StatsDLineRejection) -> Void
    ) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        while start < bytes.count {
            var end = bytes.count
            if let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start) {
                end = UnsafeRawPointer(newline) - base
            }
            if end > start {
                let line = UnsafeRawBufferPointer(start: base + start, count: end - start)
                do throws(StatsDLineRejection) {
                    if line.count > maximumLineBytes {
                        throw StatsDLineRejection(.tooLong, "line of \(line.count) bytes is longer than \(maximumLineBytes) bytes")
                    }
                    try self.add(line: line)
                } catch {
                    rejected(line, error)
                }
            }
            start = end + 1
        }
    }

    /// Takes one line without its newline.
    mutating func add(line: UnsafeRawBufferPointer) throws(StatsDLineRejection) {
        var lower = 0
        var upper = line.count
        while upper > lower, StatsDLineParser.isBlank(line[upper - 1]) { upper -= 1 }
        while lower < upper, StatsDLineParser.isBlank(line[lower]) { lower += 1 }
        if lower == upper { return }
        let parts = try StatsDLineParser.split(ByteSpan(line, lower..<upper))
        let fields = try StatsDLineFields(afterValue: ByteSpan(line, (parts.firstBar + 1)..<upper), labels: self.parser.labels)
        var key = self.takeScratch()
        defer { self.scratch = key }
        fields.meaningKey(name: parts.name.buffer, into: &key)
        let found = key.withUnsafeBytes { self.find($0) }
        if let index = found.index {
            try self.record(parts.value, at: index)
            return
        }
        let resolved = try self.parser.resolve(name: parts.name, fields: fields)
        guard let index = key.withUnsafeBytes({ self.remember(resolved, key: $0, hash: found.hash) }) else {
            try self.keep(resolved, value: parts.value)
            return
        }
        try self.record(parts.value, at: index)
    }

    /// The scratch key, emptied, moved out of `self` so that filling it copies nothing.
    private mutating func takeScratch() -> [UInt8] {
        var key: [UInt8] = []
        swap(&key, &self.scratch)
        key.removeAll(keepingCapacity: true)
        return key
    }

    // MARK: Table

    /// The remembered line with this meaning key, if any, and the key's hash.
    private func find(_ key: UnsafeRawBufferPointer) -> (index: Int?, hash: UInt64) {
        let hash = StatsDLineHash.hash(key, seed: self.seed)
        let tag = hash >> 32
        let mask = self.slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        for probe in 1...Self.maximumProbes {
            let entry = self.slots[slot]
            if entry == 0 { break }
            if entry >> 32 == tag {
                let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if self.matches(index, key) { return (index, hash) }
            }
            slot = (slot + probe) & mask
        }
        return (nil, hash)
    }

    /// Remembers a resolved line under `key`; nil when the table is full or the key's probe run is.
    private mutating func remember(_ resolved: ResolvedStatsDLine, key: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
        guard self.lines.count < Self.capacity else { return nil }
        if (self.lines.count + 1) * 4 > self.slots.count, self.slots.count < Self.maximumSlotCount {
            self.rebuildSlots(count: self.slots.count * 2)
        }
        let index = self.lines.count
        guard self.place(index, hash: hash, probes: Self.maximumProbes) else { return nil }
        self.lines.append(
            SummedStatsDLine(
                resolved: resolved, keyStart: self.keys.count, keyCount: key.count,
                weight: min(StatsDLineParser.weight(rate: resolved.rate), FunnelLedger.maximumLatencyWeight), lastDrain: self.drains
            )
        )
        self.keys.append(contentsOf: key)
        return index
    }

    /// Puts line `index` in the first empty slot of the first `probes` of its probe sequence; false when there is none.
    ///
    /// The sequence steps 1, 2, 3, ... slots from the last (triangular numbers, which visit every slot of a table of
    /// a power of two), so lines with nearby home slots do not pile into one run as with steps of one.
    private mutating func place(_ index: Int, hash: UInt64, probes: Int) -> Bool {
        let mask = self.slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        for probe in 1...probes {
            if self.slots[slot] == 0 {
                self.slots[slot] = (hash >> 32) << 32 | UInt64(index + 1)
                return true
            }
            slot = (slot + probe) & mask
        }
        return false
    }

    /// Makes `count` slots anew for the remembered lines, which keep their indices.
    ///
    /// A line is placed however far along its probe sequence the free slot is (there are at least four times as many
    /// slots as lines), so none is lost; one placed past ``maximumProbes`` is no longer found and its meaning takes
    /// the slow path.
    private mutating func rebuildSlots(count: Int) {
        self.slots = Array(repeating: 0, count: count)
        let keys = self.keys
        keys.withUnsafeBytes { keys in
            for index in self.lines.indices {
                let key = UnsafeRawBufferPointer(rebasing: keys[self.lines[index].keyStart..<(self.lines[index].keyStart + self.lines[index].keyCount)])
                _ = self.place(index, hash: StatsDLineHash.hash(key, seed: self.seed), probes: count)
            }
        }
    }

    /// Forgets the lines that had nothing to hand on at this drain (and carry no fraction of an event), once the table is full.
    private mutating func forgetQuietLines() {
        guard self.lines.count >= Self.capacity else { return }
        let drain = self.drains
        func keeps(_ line: SummedStatsDLine) -> Bool { line.lastDrain == drain || line.carry > 0 }
        // Sized to what stays, so that the memory of what goes is given back.
        var kept: [SummedStatsDLine] = []
        kept.reserveCapacity(self.lines.reduce(0) { $0 + (keeps($1) ? 1 : 0) })
        var keys: [UInt8] = []
        keys.reserveCapacity(self.lines.reduce(0) { $0 + (keeps($1) ? $1.keyCount : 0) })
        self.keys.withUnsafeBytes { allKeys in
            for var line in self.lines where keeps(line) {
                let start = keys.count
                keys.append(contentsOf: UnsafeRawBufferPointer(rebasing: allKeys[line.keyStart..<(line.keyStart + line.keyCount)]))
                line.keyStart = start
                kept.append(line)
            }
        }
        self.lines = kept
        self.keys = keys
        self.rebuildSlots(count: self.slots.count)
    }

    /// Whether the remembered line at `index` has exactly this meaning key.
    private func matches(_ index: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let keyStart = self.lines[index].keyStart
        guard self.lines[index].keyCount == key.count else { return false }
        return self.keys.withUnsafeBytes { keys in memcmp(keys.baseAddress! + keyStart, key.baseAddress!, key.count) == 0 }
    }

    /// Adds a value to the remembered line at `index`.
    private mutating func record(_ value: ByteSpan, at index: Int) throws(StatsDLineRejection) {
        switch self.lines[index].resolved.type {
        case .counter:
            let exact = try StatsDLineParser.scaledCount(value, rate: self.lines[index].resolved.rate) + self.lines[index].carry
            // A hair of tolerance, so that 3.333... times 3 is 10 and not 9 with a carry of 0.99999...
            let whole = (exact + 1e-9).rounded(.down)
            self.lines[index].carry = max(0, exact - whole)
            let count = UInt64(exactly: whole) ?? ReportBodyParser.maximumCount
            let (sum, overflow) = self.lines[index].count.addingReportingOverflow(count)
            self.lines[index].count = overflow ? .max : sum
        case .timer:
            let millis = try StatsDLineParser.millis(value)
            let weight = self.lines[index].weight
            var sample = Int(self.lines[index].samples)
            if sample < 0 {
                sample = self.samples.count
                self.samples.append(LatencyObservations(bucketsSeconds: self.latencyBounds))
                self.lines[index].samples = Int32(sample)
            }
            self.samples[sample].sketch.record(millis, count: weight)
            self.samples[sample].histogram.record(millis, count: weight)
        case .gauge:
            self.lines[index].depth = try StatsDLineParser.depth(value)
        }
        if self.lines[index].lines == 0 { self.waiting.append(Int32(index)) }
        self.lines[index].lines &+= 1
    }

    /// Keeps a line the table has no room for as an entry of its own.
    private mutating func keep(_ resolved: ResolvedStatsDLine, value: ByteSpan) throws(StatsDLineRejection) {
        switch resolved.type {
        case .counter:
            let count = try StatsDLineParser.count(value, rate: resolved.rate)
            if count == 0 {
                self.unsummed.zeroCountLines &+= 1
            } else {
                self.unsummed.append(
                    StageReport(
                        pipeline: resolved.pipeline, stage: resolved.stage!, outcome: resolved.outcome!, count: count, eventTimeMillis: resolved.eventTimeMillis,
                        labels: resolved.labels
                    ),
                    lines: 1
                )
            }
        case .timer:
            let observation = LatencyObservation(
                pipeline: resolved.pipeline, stage: resolved.stage!, eventTimeMillis: resolved.eventTimeMillis, millis: try StatsDLineParser.millis(value),
                weight: StatsDLineParser.weight(rate: resolved.rate)
            )
            self.unsummed.append(StageLatency(observation, bucketsSeconds: self.latencyBounds), lines: 1)
        case .gauge:
            let depth = try StatsDLineParser.depth(value)
            self.unsummed.append(QueueDepthReport(pipeline: resolved.pipeline, queue: resolved.queue!, depth: depth, timeMillis: resolved.eventTimeMillis), lines: 1)
        }
    }

    /// Hands on everything summed since the last drain and starts over; the remembered lines stay.
    public mutating func drain() -> StatsDBatch {
        var batch = self.unsummed
        self.unsummed = StatsDBatch()
        for position in self.waiting {
            let index = Int(position)
            let line = self.lines[index]
            let resolved = line.resolved
            switch resolved.type {
            case .counter:
                if line.count == 0 {
                    batch.zeroCountLines &+= line.lines
                } else {
                    batch.append(
                        StageReport(
                            pipeline: resolved.pipeline, stage: resolved.stage!, outcome: resolved.outcome!, count: line.count,
                            eventTimeMillis: resolved.eventTimeMillis, labels: resolved.labels
                        ),
                        lines: line.lines
                    )
                }
            case .timer:
                if line.samples >= 0 {
                    batch.append(
                        StageLatency(pipeline: resolved.pipeline, stage: resolved.stage!, eventTimeMillis: resolved.eventTimeMillis, observations: self.samples[Int(line.samples)]),
                        lines: line.lines
                    )
                }
            case .gauge:
                batch.append(QueueDepthReport(pipeline: resolved.pipeline, queue: resolved.queue!, depth: line.depth, timeMillis: resolved.eventTimeMillis), lines: line.lines)
            }
            self.lines[index].lines = 0
            self.lines[index].count = 0
            self.lines[index].samples = -1
            self.lines[index].lastDrain = self.drains
        }
        self.waiting.removeAll(keepingCapacity: true)
        self.samples.removeAll(keepingCapacity: true)
        self.forgetQuietLines()
        self.drains &+= 1
        return batch
    }
}
