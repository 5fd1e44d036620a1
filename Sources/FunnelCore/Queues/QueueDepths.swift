/// The last depth reported for every dead-letter queue; a newer observation replaces an older one. Each queue's
/// recent depths are kept too, for a picture over time; they are a view of the reports, not state, so equality and
/// hashing leave them out (a restored ledger starts them again from its last depths).
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
    /// Each queue's recent depths, oldest first: the newest of each ``historySpacingMillis`` and
    /// ``historyLimit`` in all.
    public private(set) var history: [QueueKey: [Observation]] = [:]

    /// The most points ``history`` keeps per queue: two hours at one point per ``historySpacingMillis``.
    public static let historyLimit = 720
    /// The least time between two points of ``history``.
    public static let historySpacingMillis: Int64 = 10_000

    public init(staleAfterSeconds: Int64 = 300) {
        self.staleAfterSeconds = staleAfterSeconds
    }

    /// Records a depth unless a newer one is already known.
    public mutating func record(_ key: QueueKey, depth: UInt64, observedMillis: Int64) {
        if let known = self.queues[key], known.observedMillis > observedMillis { return }
        let observation = Observation(depth: depth, observedMillis: observedMillis)
        self.queues[key] = observation
        Self.note(observation, in: &self.history[key, default: []])
    }

    /// Adds `observation` to a queue's history, in place of the point of the same spacing slot, within the limit.
    private static func note(_ observation: Observation, in points: inout [Observation]) {
        if let last = points.last, last.observedMillis / Self.historySpacingMillis == observation.observedMillis / Self.historySpacingMillis {
            points[points.count - 1] = observation
        } else {
            points.append(observation)
        }
        if points.count > Self.historyLimit { points.removeFirst(points.count - Self.historyLimit) }
    }

    public static func == (left: QueueDepths, right: QueueDepths) -> Bool {
        left.staleAfterSeconds == right.staleAfterSeconds && left.queues == right.queues
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.staleAfterSeconds)
        hasher.combine(self.queues)
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
