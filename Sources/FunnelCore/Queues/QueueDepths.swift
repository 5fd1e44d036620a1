/// The last depth reported for every dead-letter queue; a newer observation replaces an older one.
public struct QueueDepths: Sendable, Hashable {
    /// One queue's last observation.
    public struct Observation: Sendable, Hashable {
        public var depth: UInt64
        /// When it was observed, Unix milliseconds.
        public var observedMillis: Int64
    }

    /// Seconds after which an unrefreshed depth is stale.
    public internal(set) var staleAfterSeconds: Int64
    public private(set) var queues: [QueueKey: Observation] = [:]

    public init(staleAfterSeconds: Int64 = 300) {
        self.staleAfterSeconds = staleAfterSeconds
    }

    /// Records a depth unless a newer one is already known.
    public mutating func record(_ key: QueueKey, depth: UInt64, observedMillis: Int64) {
        if let known = self.queues[key], known.observedMillis > observedMillis { return }
        self.queues[key] = Observation(depth: depth, observedMillis: observedMillis)
    }

    /// The depths as the API shows them at `nowMillis`, sorted by pipeline and queue.
    public func snapshot(nowMillis: Int64, pipeline: String? = nil) -> [QueueDepth] {
        self.queues.keys.sorted().filter { pipeline == nil || $0.pipeline == pipeline }.map { key in
            let observation = self.queues[key]!
            let age = Double(max(0, Int128(nowMillis) - Int128(observation.observedMillis))) / 1000
            return QueueDepth(
                pipeline: key.pipeline, queue: key.queue, depth: observation.depth,
                updatedAt: EventTimestamp.formatRFC3339(millis: observation.observedMillis),
                ageSeconds: age, stale: age > Double(self.staleAfterSeconds)
            )
        }
    }
}
