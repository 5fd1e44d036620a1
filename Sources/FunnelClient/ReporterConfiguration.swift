import Foundation
import FunnelCore

/// How a ``FunnelReporter`` batches, retries and bounds its memory.
public struct ReporterConfiguration: Sendable, Hashable {
    /// How often aggregated counts are sent.
    public var flushInterval: Duration
    /// A batch is sealed and sent early once it holds this many series (pipeline, stage, outcome, time bucket).
    public var maximumBatchSeries: Int
    /// The most series held while the server does not confirm; past it the oldest unsent batches are dropped and
    /// counted. ``maximumBufferedBytes`` is the bound that matters for memory; this one bounds the count.
    public var maximumBufferedSeries: Int
    /// The most bytes (estimated from what is held: series, latency buckets, names, the body being sent) kept for
    /// events the server has not confirmed; past it the oldest unsent batches are dropped, counted and logged.
    public var maximumBufferedBytes: Int
    /// How long one request may take before it counts as failed and is retried with the same key.
    public var requestTimeout: Duration
    /// The first retry delay; each further failure doubles it, up to ``maximumBackoff``, with random jitter.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// How long shutdown keeps trying to deliver what is left; cancellation gets one attempt within it.
    public var shutdownTimeout: Duration
    /// Event times are aggregated into buckets this wide; it must divide the server's bucket width (1s always does).
    public var eventTimeBucket: Duration
    /// Stages the reporter may report, per pipeline: a stage of a listed pipeline that is not in its list is
    /// refused (``FunnelReporter/stage(_:of:)`` throws, the other calls count it in ``ReporterStatistics/invalidCalls``),
    /// so a typo cannot create a stage. Pipelines not listed take any stage.
    public var pipelines: [String: [String]]
    /// When set, the reporter sends a watermark for every stage it has reported after each flush that leaves
    /// nothing unconfirmed: the earliest event time it still holds (or now, when it holds none) less this
    /// allowance for events still being processed. The server then settles a bucket as soon as every stage's
    /// reporters have passed it. Off (nil) by default: a stage that reports events with event times older than the
    /// allowance (a backlog read from a queue) would report past its own watermark.
    public var watermarkAllowance: Duration?
    /// The name this reporter's watermarks carry: one instance of its stages. Default: host name and process id.
    public var reporterID: String = ReporterConfiguration.defaultReporterID

    public init(
        flushInterval: Duration = .seconds(1),
        maximumBatchSeries: Int = 1000,
        maximumBufferedSeries: Int = 1_000_000,
        maximumBufferedBytes: Int = 64 << 20,
        requestTimeout: Duration = .seconds(5),
        initialBackoff: Duration = .milliseconds(100),
        maximumBackoff: Duration = .seconds(30),
        shutdownTimeout: Duration = .seconds(10),
        eventTimeBucket: Duration = .seconds(1),
        pipelines: [String: [String]] = [:]
    ) {
        self.flushInterval = flushInterval
        self.maximumBatchSeries = max(1, maximumBatchSeries)
        self.maximumBufferedSeries = max(self.maximumBatchSeries, maximumBufferedSeries)
        self.maximumBufferedBytes = maximumBufferedBytes
        self.requestTimeout = requestTimeout
        self.initialBackoff = initialBackoff
        self.maximumBackoff = max(initialBackoff, maximumBackoff)
        self.shutdownTimeout = shutdownTimeout
        self.eventTimeBucket = eventTimeBucket
        self.pipelines = pipelines
    }

    /// `HOST-PID`, with characters names may not hold replaced by `-`.
    public static let defaultReporterID: String = {
        let raw = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        let cleaned = String(raw.unicodeScalars.map { $0.isASCII && NameRule.isAllowed(UInt8($0.value)) ? Character($0) : "-" }.prefix(128))
        return cleaned.isEmpty ? "reporter" : cleaned
    }()

    /// The smallest ``maximumBufferedBytes`` accepted: room for a batch being sent and one being gathered.
    public static let minimumBufferedBytes = 64 << 10

    /// Refuses settings that cannot work, naming the setting; ``FunnelReporter/run()`` calls it before anything else.
    public func validate() throws(ReporterConfigurationError) {
        func positive(_ value: Duration, _ name: String) throws(ReporterConfigurationError) {
            guard value > .zero else { throw ReporterConfigurationError(setting: name, "must be more than 0, got \(value)") }
        }
        try positive(self.flushInterval, "flushInterval")
        try positive(self.requestTimeout, "requestTimeout")
        try positive(self.initialBackoff, "initialBackoff")
        guard self.shutdownTimeout >= .zero else { throw ReporterConfigurationError(setting: "shutdownTimeout", "must not be negative, got \(self.shutdownTimeout)") }
        guard self.maximumBufferedBytes >= Self.minimumBufferedBytes else {
            throw ReporterConfigurationError(setting: "maximumBufferedBytes", "must be at least \(Self.minimumBufferedBytes) (64 KiB), got \(self.maximumBufferedBytes)")
        }
        let bucketMillis = Int64(rounding: Double(self.eventTimeBucket.components.seconds) * 1000 + Double(self.eventTimeBucket.components.attoseconds) / 1e15)
        guard let bucketMillis, bucketMillis >= 1, 1000 % bucketMillis == 0 || bucketMillis % 1000 == 0 && 86_400_000 % bucketMillis == 0 else {
            throw ReporterConfigurationError(
                setting: "eventTimeBucket", "must be whole milliseconds dividing a second, or whole seconds dividing a day (1s, 10s, 1m), got \(self.eventTimeBucket)"
            )
        }
        if let allowance = self.watermarkAllowance, allowance < .zero {
            throw ReporterConfigurationError(setting: "watermarkAllowance", "must not be negative, got \(allowance)")
        }
        if let problem = NameRule.problem(with: self.reporterID) {
            throw ReporterConfigurationError(setting: "reporterID", "\(String(reflecting: self.reporterID)): \(problem)")
        }
        for (pipeline, stages) in self.pipelines.sorted(by: { $0.key < $1.key }) {
            if let problem = NameRule.problem(with: pipeline) { throw ReporterConfigurationError(setting: "pipelines", "pipeline \(String(reflecting: pipeline)): \(problem)") }
            for stage in stages {
                if let problem = NameRule.problem(with: stage) {
                    throw ReporterConfigurationError(setting: "pipelines[\(String(reflecting: pipeline))]", "stage \(String(reflecting: stage)): \(problem)")
                }
            }
        }
    }

    /// The delay before retry number `attempt` (from 1): exponential, capped, with jitter in [delay/2, delay].
    func backoff(attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let delay = min(self.initialBackoff * (1 << exponent), self.maximumBackoff)
        return delay * Double.random(in: 0.5...1.0)
    }
}

/// A ``ReporterConfiguration`` setting that cannot work, e.g. `maximumBufferedBytes: must be at least 65536 (64 KiB), got 100`.
public struct ReporterConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The setting at fault, e.g. `maximumBufferedBytes`.
    public var setting: String
    /// What is wrong with it.
    public var problem: String

    public init(setting: String, _ problem: String) {
        self.setting = setting
        self.problem = problem
    }

    public var description: String { "ReporterConfiguration.\(self.setting): \(self.problem)" }
}
