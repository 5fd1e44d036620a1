import FunnelCore

/// A reporter's memory: the series being aggregated, the sealed batches waiting to be sent, and its statistics.
///
/// A plain value kept behind the reporter's `Mutex`; recording is a dictionary update. Sending takes the head
/// batch, and only the head is ever in flight, so batches are confirmed in order and a dropped batch is never
/// one the server may be counting.
struct ReporterBuffer: Sendable {
    let configuration: ReporterConfiguration
    private(set) var series: [SeriesKey: SeriesTotals] = [:]
    /// Series in the order they were first recorded, so the server discovers stages in the order they report.
    private var seriesOrder: [SeriesKey] = []
    private(set) var batches: [PendingBatch] = []
    private(set) var headInFlight = false
    var gauges: [QueueKey: QueueDepthReport] = [:]
    var statistics = ReporterStatistics()
    /// Drops not yet told about in the log: told once a batch gets through again.
    private(set) var untoldDrops: (events: UInt64, batches: Int) = (0, 0)
    var closed = false

    init(configuration: ReporterConfiguration) {
        self.configuration = configuration
    }

    /// Series held in memory, aggregated or sealed.
    var bufferedSeries: Int { self.series.count + self.batches.reduce(0) { $0 + $1.seriesCount } }

    // MARK: Recording

    /// Adds events to their series; returns true when the aggregation filled up and a batch was sealed.
    mutating func record(_ key: SeriesKey, count: UInt64, latencyMillis: Double?) -> Bool {
        guard !self.closed else {
            self.statistics.droppedEvents &+= count
            return false
        }
        self.statistics.recordedEvents &+= count
        if self.series[key] == nil { self.seriesOrder.append(key) }
        self.series[key, default: SeriesTotals()].add(count, latencyMillis: latencyMillis)
        guard self.series.count >= self.configuration.maximumBatchSeries else { return false }
        self.seal()
        return true
    }

    /// Seals the aggregated series into a batch, then drops the oldest unsent batches beyond the memory bound.
    mutating func seal() {
        guard !self.series.isEmpty else { return }
        let reports = self.seriesOrder.flatMap { self.series[$0]!.reports(for: $0) }
        self.batches.append(PendingBatch(reports: reports, seriesCount: self.series.count))
        self.series = [:]
        self.seriesOrder = []
        while self.bufferedSeries > self.configuration.maximumBufferedSeries {
            let oldest = self.headInFlight ? 1 : 0
            guard oldest < self.batches.count - 1 else { break }  // never drop the newest batch or the one in flight
            let dropped = self.batches.remove(at: oldest)
            self.statistics.droppedEvents &+= dropped.eventCount
            self.untoldDrops.events &+= dropped.eventCount
            self.untoldDrops.batches += 1
        }
    }

    // MARK: Sending

    /// The batch to send next, marked in flight; nil when there is none.
    mutating func takeHead() -> PendingBatch? {
        guard let head = self.batches.first else { return nil }
        self.headInFlight = true
        return head
    }

    /// The head batch was confirmed; returns the drops to tell about now that the server answers again.
    mutating func confirmHead(replayed: Bool) -> (events: UInt64, batches: Int)? {
        let head = self.batches.removeFirst()
        self.headInFlight = false
        self.statistics.deliveredEvents &+= head.eventCount
        self.statistics.deliveredBatches += 1
        if replayed { self.statistics.replayedBatches += 1 }
        guard self.untoldDrops.batches > 0 else { return nil }
        defer { self.untoldDrops = (0, 0) }
        return self.untoldDrops
    }

    /// The head batch got no usable answer; it stays first, with the same key, for the retry.
    mutating func failHead() -> Int {
        self.headInFlight = false
        self.statistics.failedAttempts += 1
        self.batches[0].attempts += 1
        return self.batches[0].attempts
    }

    /// The server refused the head batch: drops the report at `index` (or the whole batch without one).
    mutating func refuseHead(index: Int?) {
        self.headInFlight = false
        if let index, index >= 0, index < self.batches[0].reports.count, self.batches[0].reports.count > 1 {
            let removed = self.batches[0].removeReport(at: index)
            self.statistics.rejectedEvents &+= removed.count
        } else {
            let removed = self.batches.removeFirst()
            self.statistics.rejectedEvents &+= removed.eventCount
        }
    }

    /// Drops everything unsent, as at the end of a shutdown that ran out of time; returns the events dropped.
    mutating func dropAll() -> UInt64 {
        self.seal()
        let events = self.batches.reduce(0) { $0 &+ $1.eventCount }
        self.batches = []
        self.headInFlight = false
        self.statistics.droppedEvents &+= events
        return events
    }

    /// The statistics, with the events still pending.
    var snapshot: ReporterStatistics {
        var statistics = self.statistics
        statistics.pendingEvents = self.series.values.reduce(0) { $0 &+ $1.count } &+ self.batches.reduce(0) { $0 &+ $1.eventCount }
        return statistics
    }
}
