/// The last depth of every dead-letter queue, per (pipeline, queue), with when each was last updated.
///
/// Kept in memory only: a gauge is current state, and senders repeat it. Exposed as `funnel_dlq_depth` and
/// `funnel_dlq_depth_age_seconds`, so a stale gauge (a sender that stopped) is visible rather than frozen.
public struct DLQGauges: Sendable, Hashable {
    /// The most queues tracked; readings for new queues beyond it are refused.
    public var maximumQueues: Int
    public private(set) var queues: [QueueKey: DLQGauge] = [:]

    public init(maximumQueues: Int = 10_000) {
        self.maximumQueues = maximumQueues
    }

    /// Records a reading that arrived at `nowMillis`; returns false when it would add a queue beyond the limit.
    ///
    /// An absolute depth replaces the last one unless it was observed earlier than it (a late retry);
    /// a delta (`+N` / `-N`) changes the last depth, never below zero. Observation times in the future are
    /// taken as `nowMillis`.
    @discardableResult
    public mutating func record(_ reading: DLQDepthReading, nowMillis: Int64) -> Bool {
        let key = QueueKey(pipeline: reading.pipeline, queue: reading.queue)
        let observed = min(reading.observedAtMillis ?? nowMillis, nowMillis)
        guard let current = self.queues[key] else {
            guard self.queues.count < self.maximumQueues else { return false }
            self.queues[key] = DLQGauge(depth: max(0, reading.depth), updatedMillis: observed)
            return true
        }
        if reading.isDelta {
            self.queues[key] = DLQGauge(depth: max(0, current.depth + reading.depth), updatedMillis: max(observed, current.updatedMillis))
        } else if observed >= current.updatedMillis {
            self.queues[key] = DLQGauge(depth: max(0, reading.depth), updatedMillis: observed)
        }
        return true
    }

    /// The queues in (pipeline, queue) order.
    public var sorted: [(key: QueueKey, gauge: DLQGauge)] {
        self.queues.sorted { $0.key < $1.key }.map { (key: $0.key, gauge: $0.value) }
    }
}
