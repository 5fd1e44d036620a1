import FunnelCore

/// Where a data point is in a request, named only when a message needs it:
/// `funnel.events resource_metrics[0].scope_metrics[1].metrics[2].sum.data_points[3]`.
struct OTLPPointLocation: Sendable, Hashable, CustomStringConvertible {
    var metricName: String
    var resource: Int
    var scope: Int
    var metric: Int
    /// The metric's data field: `sum`, `gauge`, `histogram` or `exponential_histogram`.
    var data: String
    var point: Int

    var description: String {
        "\(self.metricName) resource_metrics[\(self.resource)].scope_metrics[\(self.scope)].metrics[\(self.metric)].\(self.data).data_points[\(self.point)]"
    }
}

/// The points of Funnel's metrics that were not taken: how many, and the first few with what was wrong.
struct OTLPRejections: Sendable {
    /// The most problems kept to name in `partial_success`.
    static let listedLimit = 5
    private(set) var count = 0
    private(set) var listed: [String] = []

    var isEmpty: Bool { self.count == 0 }

    /// Counts `times` rejected points sharing one problem, worked out only while fewer than the limit are listed.
    mutating func add(_ problem: @autoclosure () -> String, times: Int = 1) {
        guard times > 0 else { return }
        self.count += times
        if self.listed.count < Self.listedLimit {
            let text = problem()
            self.listed += Array(repeating: text, count: min(times, Self.listedLimit - self.listed.count))
        }
    }

    /// The `partial_success` message: the first problems, and how many more there were.
    var summary: String {
        let more = self.count - self.listed.count
        return "\(self.count) data point\(self.count == 1 ? "" : "s") rejected: " + self.listed.joined(separator: "; ")
            + (more > 0 ? "; and \(more) more" : "")
    }
}

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
    /// Values of the pipeline's declared labels, from attributes of those names.
    var labels: [String: String] = [:]
    /// From the `event_time` attribute, else the point's time; nil when it has neither (arrival time).
    var eventTimeMillis: Int64?
    var temporality: OTLPTemporality
    var stream: CumulativeStreamID
    var startNanos: UInt64
    var timeNanos: UInt64
    /// The count (delta) or the running total (cumulative).
    var value: UInt64
    var location: OTLPPointLocation
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
    var location: OTLPPointLocation
}

/// What a request's metrics map to: the points Funnel takes, and the points it could not take, with why.
struct OTLPMappedMetrics: Sendable {
    var counts: [OTLPCountPoint] = []
    var latencies: [OTLPLatencyPoint] = []
    var depths: [(report: QueueDepthReport, location: OTLPPointLocation)] = []
    /// Points of metrics Funnel does not read.
    var ignored = 0
    /// Points of Funnel's metrics that did not map, with what was wrong.
    var rejected = OTLPRejections()

    /// Whether a point needs the state of its stream to be counted.
    var hasCumulativePoints: Bool {
        self.counts.contains { $0.temporality == .cumulative } || self.latencies.contains { $0.temporality == .cumulative }
    }

    /// Points that mapped.
    var mappedCount: Int { self.counts.count + self.latencies.count + self.depths.count }
}
