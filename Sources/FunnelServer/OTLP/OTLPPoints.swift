import FunnelCore

/// Whether a point carries the change since the last export or the total since `start_time_unix_nano`.
enum OTLPTemporality: Sendable, Hashable {
    case delta
    case cumulative
}

/// A `funnel.events` point: a count of events of one outcome at one stage.
struct OTLPCountPoint: Sendable, Hashable {
    var pipeline: String
    var stage: String
    var outcome: Outcome
    /// From the `event_time` attribute, else the point's time; nil when it has neither (arrival time).
    var eventTimeMillis: Int64?
    var temporality: OTLPTemporality
    var stream: CumulativeStreamID
    var startNanos: UInt64
    var timeNanos: UInt64
    /// The count (delta) or the running total (cumulative).
    var value: UInt64
    /// Where the point is in the request, for messages: `resource_metrics[0].scope_metrics[1].metrics[2].data_points[3]`.
    var location: String
}

/// The buckets of a `funnel.latency` histogram point, in the metric's unit.
enum OTLPLatencyBuckets: Sendable, Hashable {
    /// Explicit bounds: `counts[i]` values in `(bounds[i-1], bounds[i]]`, the first from below, the last without top.
    case explicit(bounds: [Double], counts: [UInt64], min: Double?, max: Double?)
    /// Base-2 exponential buckets: `counts[k]` values in `(base^(offset+k), base^(offset+k+1)]`, base `2^(2^-scale)`.
    case exponential(scale: Int32, offset: Int32, counts: [UInt64], zeroCount: UInt64)

    /// Values counted in all buckets.
    var count: UInt64 {
        switch self {
        case .explicit(_, let counts, _, _): counts.saturatingSum()
        case .exponential(_, _, let counts, let zeroCount): counts.saturatingSum().addingSaturated(zeroCount)
        }
    }
}

/// A `funnel.latency` point: latencies of one stage, without events to count.
struct OTLPLatencyPoint: Sendable, Hashable {
    var pipeline: String
    var stage: String
    var eventTimeMillis: Int64?
    var temporality: OTLPTemporality
    var stream: CumulativeStreamID
    var startNanos: UInt64
    var timeNanos: UInt64
    var buckets: OTLPLatencyBuckets
    /// Milliseconds in one of the metric's units: 1 for `ms`, 1000 for `s`.
    var millisPerUnit: Double
    var location: String
}

/// What a request's metrics map to: the points Funnel takes, and the points it could not take, with why.
struct OTLPMappedMetrics: Sendable {
    var counts: [OTLPCountPoint] = []
    var latencies: [OTLPLatencyPoint] = []
    var depths: [(report: QueueDepthReport, location: String)] = []
    /// Points of metrics Funnel does not read.
    var ignored = 0
    /// Points of Funnel's metrics that did not map, each with what was wrong.
    var rejected: [String] = []

    /// Whether a point needs the state of its stream to be counted.
    var hasCumulativePoints: Bool {
        self.counts.contains { $0.temporality == .cumulative } || self.latencies.contains { $0.temporality == .cumulative }
    }

    /// Points that mapped.
    var mappedCount: Int { self.counts.count + self.latencies.count + self.depths.count }
}
