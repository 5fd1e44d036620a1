public import FunnelCore

/// One entry of `dlq_sources:`: a queue whose depth Funnel reads itself, on a timer, instead of waiting for a report.
public struct DLQSourceConfiguration: Sendable, Hashable {
    /// The source id in metrics and the API; `<kind>:<pipeline>/<queue>` unless configured.
    public var name: String
    /// The pipeline and dead-letter queue the depth is shown under, the same as a reported depth.
    public var pipeline: String
    public var queue: String
    /// Seconds between polls.
    public var intervalSeconds: Double
    /// Seconds one poll may take before it counts as a timeout; at most `intervalSeconds`.
    public var timeoutSeconds: Double
    /// What to ask, and how to reach it.
    public var settings: DLQSourceSettings

    public init(
        name: String? = nil, pipeline: String, queue: String, intervalSeconds: Double = 10, timeoutSeconds: Double? = nil,
        settings: DLQSourceSettings
    ) {
        self.name = name ?? DLQSourceIdentity.defaultName(kind: settings.kind, pipeline: pipeline, queue: queue)
        self.pipeline = pipeline
        self.queue = queue
        self.intervalSeconds = intervalSeconds
        self.timeoutSeconds = timeoutSeconds ?? min(Self.defaultTimeoutSeconds, intervalSeconds)
        self.settings = settings
    }

    /// The timeout when none is configured (or the interval, when that is shorter).
    public static let defaultTimeoutSeconds = 5.0

    public var kind: DLQSourceKind { self.settings.kind }

    /// The labels of the source's metrics.
    public var identity: DLQSourceIdentity {
        DLQSourceIdentity(source: self.name, kind: self.kind, pipeline: self.pipeline, queue: self.queue)
    }
}
