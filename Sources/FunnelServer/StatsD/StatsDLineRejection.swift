public import FunnelCore

/// Why a StatsD line was not counted, with the offending part named.
///
/// Bad lines never stop the listener: each is counted in `funnel_statsd_lines_total{result}` under its
/// ``Reason`` and the first few per minute are logged with their text.
public struct StatsDLineRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `result` label a rejected line is counted under.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// Not `name:value|type[|@rate][|#tags]`.
        case malformed
        /// A type Funnel does not take, such as `s` (sets).
        case unknownType = "unknown_type"
        /// A Funnel name with the wrong type, e.g. `funnel.events:1|g`.
        case typeMismatch = "type_mismatch"
        /// A value that is not a number, or negative where it cannot be.
        case badValue = "bad_value"
        /// An `@rate` that is not a number from 0.000001 to 1.
        case badSampleRate = "bad_sample_rate"
        /// A tag without a key, a Funnel tag given twice, an unreadable `event_time`, or a bad declared label value.
        case badTag = "bad_tag"
        /// A required field (pipeline, stage, outcome, queue) that neither tags nor the mapping supplied.
        case missingTag = "missing_tag"
        /// A pipeline, stage or queue that breaks the name rule.
        case badName = "bad_name"
        /// A name that is not an ``Outcome``.
        case unknownOutcome = "unknown_outcome"
        /// A name that is not a Funnel name and matches no mapping rule.
        case unmapped
        /// A TCP line longer than the line limit.
        case tooLong = "too_long"
        /// An event time outside the retention or too far in the future.
        case eventTimeOutOfRange = "event_time_out_of_range"
        /// Would add a pipeline beyond the configured limit.
        case tooManyPipelines = "too_many_pipelines"
        /// Would add a stage beyond the configured limit.
        case tooManyStages = "too_many_stages"
        /// Would add a dead-letter queue gauge beyond the limit.
        case tooManyQueues = "too_many_queues"
        /// Would add a (pipeline, stage) series beyond the limit.
        case tooManySeries = "too_many_series"
        /// Would take a series past the counter maximum.
        case countOverflow = "count_overflow"
        /// A number the ledger holds out of range (a DLQ depth past the maximum).
        case numberOutOfRange = "number_out_of_range"
        /// A label the pipeline does not declare (a DogStatsD tag Funnel was told to read as a label).
        case unknownLabel = "unknown_label"
        /// Parsed and admitted, but the database write failed; see the server log.
        case storeFailed = "store_failed"
    }

    public var reason: Reason
    /// What is wrong, naming the offending part of the line.
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(self.reason.rawValue): \(self.message)" }
}

extension StatsDLineRejection.Reason {
    /// The line result for an entry the ledger refused: the admission's own reason, under the same name (every one of
    /// ``ReportRejection/admissionReasons`` has a case here; `StatsDLineRejectionTests` proves it).
    public init(admission reason: ReportRejection.Reason) {
        self = Self(rawValue: reason.rawValue) ?? .malformed
    }
}
