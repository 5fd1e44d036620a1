import Foundation

/// StatsD lines summed by what they mean until the next flush: counters add up, timers go into a sketch, gauges
/// keep their last depth.
///
/// A StatsD stream repeats a few distinct lines (`name|type|@rate|#tags`) with changing values, so each distinct
/// line is worked out once (type, rate, tags, mapping, names) and remembered by its bytes in an open-addressing
/// table; a repeated line then costs a hash, a comparison and a number. The table holds at most ``capacity``
/// distinct lines, so a flood of names costs time, not memory: lines past it are resolved each time and kept one
/// by one until the flush. Lines that fail are never remembered.
public struct StatsDAccumulator: Sendable {
    /// The most distinct lines remembered.
    public static let capacity = 10_000
    private static let slotCount = 1 << 15

    public let parser: StatsDLineParser
    private let latencyBounds: [Double]
    /// The keys of all remembered lines, back to back: name bytes, then the bytes from the first `|` on.
    private var keys: [UInt8] = []
    private var lines: [SummedStatsDLine] = []
    /// Indices into `lines` by hash, -1 for an empty slot.
    private var slots: [Int32]
    /// Lines with something to hand on at the next flush.
    private var waiting: [Int32] = []
    /// Lines past the table's capacity, one entry each.
    private var unsummed = StatsDBatch()

    public init(parser: StatsDLineParser, latencyBucketsSeconds: [Double] = LatencyHistogram.defaultBounds) {
        self.parser = parser
        self.latencyBounds = latencyBucketsSeconds
        self.slots = Array(repeating: -1, count: Self.slotCount)
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
        var hasher = Hasher()
        hasher.combine(bytes: name)
        hasher.combine(bytes: rest)
        let hash = hasher.finalize()

        let mask = Self.slotCount - 1
        var slot = hash & mask
        while self.slots[slot] >= 0 {
            let index = Int(self.slots[slot])
            if self.lines[index].hash == hash, self.matches(index, name: name, rest: rest) {
                try self.record(parts.value, at: index)
                return
            }
            slot = (slot + 1) & mask
        }
        let resolved = try self.parser.resolve(name: parts.name, afterValue: ByteSpan(line, (parts.firstBar + 1)..<upper))
        guard self.lines.count < Self.capacity else {
            try self.keep(resolved, value: parts.value)
            return
        }
        let index = self.lines.count
        self.lines.append(
            SummedStatsDLine(
                resolved: resolved, keyStart: self.keys.count, keyCount: name.count + rest.count, nameCount: name.count, hash: hash,
                weight: min(StatsDLineParser.weight(rate: resolved.rate), FunnelLedger.maximumLatencyWeight)
            )
        )
        self.keys.append(contentsOf: name)
        self.keys.append(contentsOf: rest)
        self.slots[slot] = Int32(index)
        try self.record(parts.value, at: index)
    }

    /// Whether the remembered line at `index` has exactly this name and rest.
    private func matches(_ index: Int, name: UnsafeRawBufferPointer, rest: UnsafeRawBufferPointer) -> Bool {
        let line = self.lines[index]
        guard line.nameCount == name.count, line.keyCount == name.count + rest.count else { return false }
        return self.keys.withUnsafeBytes { keys in
            let key = keys.baseAddress! + line.keyStart
            return (name.isEmpty || memcmp(key, name.baseAddress!, name.count) == 0)
                && (rest.isEmpty || memcmp(key + name.count, rest.baseAddress!, rest.count) == 0)
        }
    }

    /// Adds a value to the remembered line at `index`.
    private mutating func record(_ value: ByteSpan, at index: Int) throws(StatsDLineRejection) {
        switch self.lines[index].resolved.type {
        case .counter:
            let count = try StatsDLineParser.count(value, rate: self.lines[index].resolved.rate)
            let (sum, overflow) = self.lines[index].count.addingReportingOverflow(count)
            self.lines[index].count = overflow ? .max : sum
        case .timer:
            let millis = try StatsDLineParser.millis(value)
            if self.lines[index].latency == nil { self.lines[index].latency = LatencyObservations(bucketsSeconds: self.latencyBounds) }
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
            self.lines[index].latency = nil
        }
        self.waiting.removeAll(keepingCapacity: true)
        return batch
    }
}
