import FunnelCore

/// A reporter's memory: the series being aggregated, the sealed batches waiting to be sent, and its statistics.
///
/// A plain value kept behind the reporter's `Mutex`; recording is a dictionary lookup and an array update. Sending
/// takes the head batch, and only the head is ever in flight, so batches are confirmed in order and a dropped
/// batch is never one the server may be counting right now. Every byte held for unconfirmed events is estimated
/// (``bufferedBytes``) and bounded by ``ReporterConfiguration/maximumBufferedBytes``.
struct ReporterBuffer: Sendable {
    let configuration: ReporterConfiguration
    /// Series being aggregated, in the order they were first recorded, so the server discovers stages in that order.
    private(set) var aggregate: [SeriesEntry] = []
    private var positions: [SeriesKey: Int] = [:]
    /// Heap bytes of the aggregated series' names and latency buckets.
    private var aggregateHeapBytes = 0
    private var aggregateReports = 0
    private(set) var batches: [PendingBatch] = []
    /// Sum of the batches' estimated bytes, with the body of the head when it is written.
    private var batchBytes = 0
    private var batchSeries = 0
    private(set) var headInFlight = false
    var gauges: [QueueKey: QueueDepthReport] = [:]
    /// The stages reported so far, when watermarks are sent (``ReporterConfiguration/watermarkAllowance``).
    private(set) var reportedStages: Set<StageKey> = []
    var statistics = ReporterStatistics()
    /// Losses not logged yet.
    var untold = UntoldLoss()
    /// Failed attempts in a row, over every batch, until the server answers: what the backoff grows with.
    private(set) var consecutiveFailures = 0
    /// What the last failed attempt ran into, e.g. `no answer within 2 seconds`: the cause logged with drops.
    private(set) var lastProblem: String?
    /// The sequence number of the last sealed batch; a batch keeps its number when split.
    private(set) var sealedSequence: UInt64 = 0
    private var sequences: [UInt64] = []
    var closed = false

    /// A batch is sealed early once its reports would pass this: far below the server's default limits
    /// (`limits.max_reports_per_request` 100,000, `limits.max_body_bytes` 8 MiB).
    static let maximumBatchReports = 20_000
    /// The most JSON bytes one report takes in a body, with long names and both latencies: a batch is sealed
    /// before its body could pass an eighth of the byte bound.
    static let reportBytes = 320

    init(configuration: ReporterConfiguration) {
        self.configuration = configuration
    }

    /// Series held in memory, aggregated or sealed.
    var bufferedSeries: Int { self.aggregate.count + self.batchSeries }

    /// Estimated bytes held for unconfirmed events.
    var bufferedBytes: Int { self.aggregateBytes + self.batchBytes }

    /// The aggregation's bytes: its entries array, its index (a hash table at most 3/4 full, so up to twice the
    /// entries' slots) and the entries' heap.
    private var aggregateBytes: Int {
        guard self.aggregate.capacity > 0 else { return 0 }
        let slot = MemoryLayout<SeriesKey>.stride + MemoryLayout<Int>.stride + 1
        return HeapSize.allocation(32 + self.aggregate.capacity * MemoryLayout<SeriesEntry>.stride) + 2 * self.positions.capacity * slot + self.aggregateHeapBytes
    }

    // MARK: Recording

    /// Adds events to their series; returns true when the aggregation filled up and a batch was sealed.
    mutating func record(_ key: SeriesKey, count: UInt64, latencyMillis: Double?, endToEndMillis: Double? = nil) -> Bool {
        guard !self.closed else {
            self.statistics.droppedEvents = self.statistics.droppedEvents.addingSaturated(count)
            self.untold.add(.afterStop, dropped: count, batches: 0)
            return false
        }
        self.statistics.recordedEvents = self.statistics.recordedEvents.addingSaturated(count)
        let position: Int
        if let known = self.positions[key] {
            position = known
        } else {
            position = self.aggregate.count
            self.positions[key] = position
            self.aggregate.append(SeriesEntry(key: key, totals: SeriesTotals()))
            self.aggregateHeapBytes += HeapSize.string(key.pipeline) + HeapSize.string(key.stage) + HeapSize.labels(key.labels)
            self.aggregateReports += 1
            if self.configuration.watermarkAllowance != nil { self.reportedStages.insert(StageKey(pipeline: key.pipeline, stage: key.stage)) }
        }
        let before = self.aggregate[position].totals
        self.aggregate[position].totals.add(count, latencyMillis: latencyMillis, endToEndMillis: endToEndMillis)
        let after = self.aggregate[position].totals
        self.aggregateHeapBytes += after.heapBytes - before.heapBytes
        self.aggregateReports += after.reportEstimate - before.reportEstimate
        if self.bufferedBytes > self.configuration.maximumBufferedBytes { self.enforceBound() }
        self.notePeak()
        let batchBytes = self.configuration.maximumBufferedBytes / 8
        guard self.aggregate.count >= self.configuration.maximumBatchSeries || self.aggregateReports >= Self.maximumBatchReports
            || self.aggregateBytes >= batchBytes || self.aggregateReports * Self.reportBytes >= batchBytes
        else { return false }
        self.seal()
        return true
    }

    /// What a watermark may promise now: nil while a sealed batch is unconfirmed, else the earliest event-time
    /// bucket still gathered (nil too when nothing is) and the stages reported.
    var watermarkBasis: (earliestMillis: Int64?, stages: [StageKey])? {
        guard self.batches.isEmpty, !self.reportedStages.isEmpty else { return nil }
        return (self.aggregate.lazy.map(\.key.bucketMillis).min(), self.reportedStages.sorted { ($0.pipeline, $0.stage) < ($1.pipeline, $1.stage) })
    }

    /// Seals the aggregated series into a batch, then drops the oldest unsent batches beyond the memory bound.
    mutating func seal() {
        guard !self.aggregate.isEmpty else { return }
        var entries: [SeriesEntry] = []
        entries.reserveCapacity(self.aggregate.count)
        entries.append(contentsOf: self.aggregate)
        let batch = PendingBatch(entries: entries)
        self.aggregate = []
        self.positions = [:]
        self.aggregateHeapBytes = 0
        self.aggregateReports = 0
        self.sealedSequence += 1
        self.append(batch, sequence: self.sealedSequence)
        self.enforceBound()
    }

    private mutating func append(_ batch: PendingBatch, sequence: UInt64) {
        self.batches.append(batch)
        self.sequences.append(sequence)
        self.batchBytes += batch.estimatedBytes
        self.batchSeries += batch.seriesCount
        self.notePeak()
    }

    private mutating func removeBatch(at index: Int) -> PendingBatch {
        let batch = self.batches.remove(at: index)
        self.sequences.remove(at: index)
        self.batchBytes -= batch.estimatedBytes + (batch.encoded?.estimatedBytes ?? 0)
        self.batchSeries -= batch.seriesCount
        return batch
    }

    /// Drops the oldest batches not in flight while the bound is passed; the newest only when series are being
    /// aggregated after it.
    private mutating func enforceBound() {
        while self.bufferedSeries > self.configuration.maximumBufferedSeries || self.bufferedBytes > self.configuration.maximumBufferedBytes {
            let oldest = self.headInFlight ? 1 : 0
            guard oldest < self.batches.count - (self.aggregate.isEmpty ? 1 : 0) else { break }
            let dropped = self.removeBatch(at: oldest)
            self.giveUp(dropped, cause: .memoryBound)
            self.statistics.droppedAtMemoryBound = self.statistics.droppedAtMemoryBound.addingSaturated(dropped.maybeDelivered ? 0 : dropped.eventCount)
        }
    }

    /// Counts a batch given up on: unconfirmed when the server may have it, dropped otherwise.
    private mutating func giveUp(_ batch: PendingBatch, cause: UntoldLoss.Cause) {
        if batch.maybeDelivered {
            self.statistics.unconfirmedEvents = self.statistics.unconfirmedEvents.addingSaturated(batch.eventCount)
            self.untold.add(cause, unconfirmed: batch.eventCount)
        } else {
            self.statistics.droppedEvents = self.statistics.droppedEvents.addingSaturated(batch.eventCount)
            self.untold.add(cause, dropped: batch.eventCount)
        }
    }

    private mutating func notePeak() {
        self.statistics.peakBufferedBytes = max(self.statistics.peakBufferedBytes, self.bufferedBytes)
    }

    // MARK: Sending

    /// The batch to send next, its body written, marked in flight; nil when there is none.
    mutating func takeHead() -> PendingBatch? {
        guard !self.batches.isEmpty else { return nil }
        self.batchBytes += self.batches[0].encode()
        self.headInFlight = true
        self.enforceBound()
        self.notePeak()
        return self.batches[0]
    }

    /// The head batch was confirmed: the server answers, so the backoff starts over.
    mutating func confirmHead(replayed: Bool) {
        let head = self.removeBatch(at: 0)
        self.headInFlight = false
        self.consecutiveFailures = 0
        self.statistics.deliveredEvents = self.statistics.deliveredEvents.addingSaturated(head.eventCount)
        self.statistics.deliveredBatches += 1
        if replayed { self.statistics.replayedBatches += 1 }
    }

    /// The head batch got no usable answer; it stays first, with the same key and body, for the retry.
    ///
    /// `maybeDelivered` says whether the request may have reached the server (anything but a refused connection
    /// or an answer). Returns the failures in a row, for the backoff.
    mutating func failHead(problem: String, maybeDelivered: Bool, counts: Bool = true) -> Int {
        self.headInFlight = false
        if counts { self.lastProblem = problem }
        if maybeDelivered, !self.batches.isEmpty { self.batches[0].maybeDelivered = true }
        guard counts else { return self.consecutiveFailures }
        self.statistics.failedAttempts += 1
        self.consecutiveFailures += 1
        if !self.batches.isEmpty { self.batches[0].attempts += 1 }
        return self.consecutiveFailures
    }

    /// What a refusal took.
    struct Refusal: Sendable, Hashable {
        var reason: String
        var events: UInt64
        var series: Int
        /// Whether the batch was split in two instead (too large for the server) and nothing was dropped.
        var split = false
    }

    /// The server refused the head batch: drops every series of it that breaks the rule the refused report broke.
    ///
    /// A refused request is not counted at all, so what is left is sent again under a new key. The rule follows
    /// from `reason` and the report at `index`: an event time too far ahead (after `serverMillis`, the server's
    /// clock from its `Date` header) drops every series at or after that time; too old, every series of that
    /// pipeline at or before it; a pipeline or stage limit, every series of that pipeline or stage; a counter past
    /// its maximum, that series' outcome; a label the pipeline does not declare, every series of that pipeline with
    /// the same label names. A body too large for the server is split in two, not dropped.
    mutating func refuseHead(reason: String, index: Int?, serverMillis: Int64?, message: String) -> Refusal {
        self.headInFlight = false
        self.consecutiveFailures = 0
        guard !self.batches.isEmpty else { return Refusal(reason: reason, events: 0, series: 0) }
        if ["body_too_large", "too_many_reports"].contains(reason), self.batches[0].seriesCount > 1 {
            self.batchBytes -= self.batches[0].forgetBody()
            let before = self.batches[0].estimatedBytes
            let second = self.batches[0].splitOffHalf()
            self.batchBytes += self.batches[0].estimatedBytes - before
            self.batches.insert(second, at: 1)
            self.sequences.insert(self.sequences[0], at: 1)
            self.batchBytes += second.estimatedBytes
            return Refusal(reason: reason, events: 0, series: 0, split: true)
        }
        guard let index, let refused = self.batches[0].series(ofReport: index)?.key else {
            let removed = self.removeBatch(at: 0)
            self.reject(removed.eventCount, series: removed.seriesCount, reason: reason, message: message)
            return Refusal(reason: reason, events: removed.eventCount, series: removed.seriesCount)
        }
        let rule: (SeriesEntry) -> Bool
        switch reason {
        case "event_time_out_of_range":
            if let serverMillis, refused.bucketMillis > serverMillis {
                rule = { $0.key.bucketMillis >= refused.bucketMillis }
            } else if serverMillis != nil {
                rule = { $0.key.pipeline == refused.pipeline && $0.key.bucketMillis <= refused.bucketMillis }
            } else {
                rule = { $0.key.bucketMillis == refused.bucketMillis }
            }
        case "too_many_pipelines":
            rule = { $0.key.pipeline == refused.pipeline }
        case "too_many_stages", "too_many_series":
            rule = { $0.key.pipeline == refused.pipeline && $0.key.stage == refused.stage }
        case "count_overflow":
            rule = { $0.key.pipeline == refused.pipeline && $0.key.stage == refused.stage && $0.key.outcome == refused.outcome }
        case "unknown_label":
            let names = Set(refused.labels.keys)
            rule = { $0.key.pipeline == refused.pipeline && Set($0.key.labels.keys) == names }
        default:
            rule = { $0.key == refused }
        }
        self.batchBytes -= self.batches[0].forgetBody()
        let before = self.batches[0].estimatedBytes
        let removed = self.batches[0].removeSeries(where: rule)
        self.batchBytes += self.batches[0].estimatedBytes - before
        self.batchSeries -= removed.count
        if self.batches[0].seriesCount == 0 {
            _ = self.removeBatch(at: 0)
        } else if reason == "event_time_out_of_range", let serverMillis, refused.bucketMillis <= serverMillis {
            self.batches[0].putNewestFirst()
        }
        let events = removed.reduce(UInt64(0)) { $0.addingSaturated($1.totals.count) }
        self.reject(events, series: removed.count, reason: reason, message: message)
        return Refusal(reason: reason, events: events, series: removed.count)
    }

    private mutating func reject(_ events: UInt64, series: Int, reason: String, message: String) {
        self.statistics.rejectedEvents = self.statistics.rejectedEvents.addingSaturated(events)
        self.statistics.rejectedEventsByReason[reason] = (self.statistics.rejectedEventsByReason[reason] ?? 0).addingSaturated(events)
        self.untold.add(.refused(reason: reason), dropped: events, batches: series, example: message)
    }

    /// Gives up on everything unsent, as at the end of a shutdown; counts it under ``UntoldLoss/Cause/stopped``.
    mutating func giveUpAll() {
        self.seal()
        while !self.batches.isEmpty {
            self.giveUp(self.removeBatch(at: 0), cause: .stopped)
        }
        self.headInFlight = false
    }

    /// Whether every batch sealed up to `sequence` has been confirmed, refused or given up on.
    func hasSettled(upTo sequence: UInt64) -> Bool {
        (self.sequences.first ?? .max) > sequence
    }

    /// The statistics, with the events still pending and the bytes held.
    var snapshot: ReporterStatistics {
        var statistics = self.statistics
        statistics.pendingEvents = self.aggregate.reduce(UInt64(0)) { $0.addingSaturated($1.totals.count) }.addingSaturated(self.batches.reduce(UInt64(0)) { $0.addingSaturated($1.eventCount) })
        statistics.bufferedBytes = self.bufferedBytes
        return statistics
    }
}
