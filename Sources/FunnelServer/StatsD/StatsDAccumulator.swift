import Foundation
public import FunnelCore

/// StatsD lines summed by what they mean until the next flush: counters add up, timers go into a sketch, gauges
/// keep their last depth.
///
/// A StatsD stream repeats a few distinct lines (`name|type|@rate|#tags`) with changing values, so each distinct
/// line is worked out once (type, rate, tags, mapping, names) and remembered by its bytes in an open-addressing
/// table; a repeated line then costs a hash, a comparison and a number. The table holds at most ``capacity``
/// distinct lines, so a flood of names costs time, not memory: lines past it are resolved each time and kept one
/// by one until the flush. A lookup probes at most ``maximumProbes`` slots, so names crafted to collide cost no
/// more than that either. Lines that fail are never remembered.
public struct StatsDAccumulator: Sendable {
    /// The most distinct lines remembered.
    public static let capacity = 10_000
    /// The most slots one lookup probes; a line that would need more is not remembered.
    public static let maximumProbes = 16
    private static let slotCount = 1 << 15

    /// Works out what a line not seen before means.
    public let parser: StatsDLineParser
    private let latencyBounds: [Double]
    /// The keys of all remembered lines, back to back: name bytes, then the bytes from the first `|` on.
    private var keys: [UInt8] = []
    private var lines: [SummedStatsDLine] = []
    /// Per slot, the high 32 bits of the hash and the index into `lines` plus one; 0 for an empty slot.
    private var slots: [UInt64]
    private let seed: UInt64
    /// Lines with something to hand on at the next flush.
    private var waiting: [Int32] = []
    /// Lines past the table's capacity, one entry each.
    private var unsummed = StatsDBatch()

    /// Sums lines `parser` understands; `seed` varies the hash so that colliding names cannot be prepared offline.
    public init(parser: StatsDLineParser, latencyBucketsSeconds: [Double] = LatencyHistogram.defaultBounds, seed: UInt64 = .random(in: .min ... .max)) {
        self.parser = parser
        self.latencyBounds = latencyBucketsSeconds
        self.slots = Array(repeating: 0, count: Self.slotCount)
        self.seed = seed
    }

    /// Entries the next flush hands on: one per distinct line that waits, plus the lines kept one by one.
    public var waitingEntries: Int { self.waiting.count + self.unsummed.entryCount }

    /// Distinct lines remembered.
    public var rememberedLines: Int { self.lines.count }

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
        let name = UnsafeRawBufferPointer(rebasing: line[parts.name.range])
        let rest = UnsafeRawBufferPointer(rebasing: line[parts.firstBar..<upper])
        let hash = StatsDLineHash.hash(name, rest, seed: self.seed)
        let tag = hash >> 32
        let mask = Self.slotCount - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        var probes = 0
        while self.slots[slot] != 0 {
            let entry = self.slots[slot]
            if entry >> 32 == tag {
                let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if self.matches(index, name: name, rest: rest) {
                    try self.record(parts.value, at: index)
                    return
                }
            }
            probes += 1
            if probes == Self.maximumProbes { break }
            slot = (slot + 1) & mask
        }
        let resolved = try self.parser.resolve(name: parts.name, afterValue: ByteSpan(line, (parts.firstBar + 1)..<upper))
        guard self.lines.count < Self.capacity, self.slots[slot] == 0 else {
            try self.keep(resolved, value: parts.value)
            return
        }
        let index = self.lines.count
        self.lines.append(
            SummedStatsDLine(
                resolved: resolved, keyStart: self.keys.count, keyCount: name.count + rest.count, nameCount: name.count,
                weight: min(StatsDLineParser.weight(rate: resolved.rate), FunnelLedger.maximumLatencyWeight),
                latency: resolved.type == .timer ? LatencyObservations(bucketsSeconds: self.latencyBounds) : nil
            )
        )
        self.keys.append(contentsOf: name)
        self.keys.append(contentsOf: rest)
        self.slots[slot] = tag << 32 | UInt64(index + 1)
        try self.record(parts.value, at: index)
    }

    /// Whether the remembered line at `index` has exactly this name and rest.
    private func matches(_ index: Int, name: UnsafeRawBufferPointer, rest: UnsafeRawBufferPointer) -> Bool {
        let keyStart = self.lines[index].keyStart
        guard self.lines[index].nameCount == name.count, self.lines[index].keyCount == name.count + rest.count else { return false }
        return self.keys.withUnsafeBytes { keys in
            let key = keys.baseAddress! + keyStart
            return (name.isEmpty || memcmp(key, name.baseAddress!, name.count) == 0)
                && (rest.isEmpty || memcmp(key + name.count, rest.baseAddress!, rest.count) == 0)
        }
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
            self.lines[index].latency!.sketch.record(millis, count: weight)
            self.lines[index].latency!.histogram.record(millis, count: weight)
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
                    StageReport(pipeline: resolved.pipeline, stage: resolved.stage!, outcome: resolved.outcome!, count: count, eventTimeMillis: resolved.eventTimeMillis),
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
                        StageReport(pipeline: resolved.pipeline, stage: resolved.stage!, outcome: resolved.outcome!, count: line.count, eventTimeMillis: resolved.eventTimeMillis),
                        lines: line.lines
                    )
                }
            case .timer:
                if let latency = line.latency {
                    batch.append(StageLatency(pipeline: resolved.pipeline, stage: resolved.stage!, eventTimeMillis: resolved.eventTimeMillis, observations: latency), lines: line.lines)
                }
            case .gauge:
                batch.append(QueueDepthReport(pipeline: resolved.pipeline, queue: resolved.queue!, depth: line.depth, timeMillis: resolved.eventTimeMillis), lines: line.lines)
            }
            self.lines[index].lines = 0
            self.lines[index].count = 0
            if resolved.type == .timer { self.lines[index].latency = LatencyObservations(bucketsSeconds: self.latencyBounds) }
        }
        self.waiting.removeAll(keepingCapacity: true)
        return batch
    }
}
