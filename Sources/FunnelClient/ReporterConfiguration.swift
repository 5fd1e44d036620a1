/// How a ``FunnelReporter`` batches, retries and bounds its memory.
public struct ReporterConfiguration: Sendable, Hashable {
    /// How often aggregated counts are sent.
    public var flushInterval: Duration
    /// A batch is sealed and sent early once it holds this many series (pipeline, stage, outcome, time bucket).
    public var maximumBatchSeries: Int
    /// The most series held while the server cannot be reached; past it the oldest unsent batches are dropped and counted.
    public var maximumBufferedSeries: Int
    /// How long one request may take before it counts as failed and is retried with the same key.
    public var requestTimeout: Duration
    /// The first retry delay; each further failure doubles it, up to ``maximumBackoff``, with random jitter.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// How long ``FunnelReporter/shutdown()`` keeps trying to deliver what is left.
    public var shutdownTimeout: Duration
    /// Event times are aggregated into buckets this wide; it must divide the server's bucket width (1s always does).
    public var eventTimeBucket: Duration

    public init(
        flushInterval: Duration = .seconds(1),
        maximumBatchSeries: Int = 1000,
        maximumBufferedSeries: Int = 100_000,
        requestTimeout: Duration = .seconds(5),
        initialBackoff: Duration = .milliseconds(100),
        maximumBackoff: Duration = .seconds(30),
        shutdownTimeout: Duration = .seconds(10),
        eventTimeBucket: Duration = .seconds(1)
    ) {
        self.flushInterval = flushInterval
        self.maximumBatchSeries = max(1, maximumBatchSeries)
        self.maximumBufferedSeries = max(self.maximumBatchSeries, maximumBufferedSeries)
        self.requestTimeout = requestTimeout
        self.initialBackoff = initialBackoff
        self.maximumBackoff = max(initialBackoff, maximumBackoff)
        self.shutdownTimeout = shutdownTimeout
        self.eventTimeBucket = eventTimeBucket
    }

    /// The delay before retry number `attempt` (from 1): exponential, capped, with jitter in [delay/2, delay].
    func backoff(attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let delay = min(self.initialBackoff * (1 << exponent), self.maximumBackoff)
        return delay * Double.random(in: 0.5...1.0)
    }
}
