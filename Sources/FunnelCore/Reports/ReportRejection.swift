/// Why a request of stage reports was refused, naming the offending report and field.
///
/// A rejection refuses the whole request: nothing of it is applied, so the sender can fix and resend.
public struct ReportRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The label value counted in `funnel_ingest_rejected_total{reason}`.
    public enum Reason: String, Sendable, CaseIterable {
        case malformedJSON = "malformed_json"
        case invalidBody = "invalid_body"
        case missingField = "missing_field"
        case wrongType = "wrong_type"
        case invalidValue = "invalid_value"
        /// A number outside its field's documented range (`1e999`, `1.5e-400`, a count past the maximum).
        case numberOutOfRange = "number_out_of_range"
        /// Counting the report would take a series past ``StageCounts/maximum``.
        case countOverflow = "count_overflow"
        case unknownField = "unknown_field"
        /// A report carries a label its pipeline does not declare.
        case unknownLabel = "unknown_label"
        case unknownOutcome = "unknown_outcome"
        case eventTimeOutOfRange = "event_time_out_of_range"
        case bodyTooLarge = "body_too_large"
        case tooManyReports = "too_many_reports"
        case tooManyPipelines = "too_many_pipelines"
        case tooManyStages = "too_many_stages"
        case tooManyQueues = "too_many_queues"
        case tooManySeries = "too_many_series"
        case tooManyReporters = "too_many_reporters"
        case idempotencyConflict = "idempotency_conflict"
        case unauthorized = "unauthorized"
        case overloaded = "overloaded"
        case bodyTimeout = "body_timeout"
        case bodyTooSlow = "body_too_slow"
        case storageFull = "storage_full"
        case storageUnavailable = "storage_unavailable"
    }

    /// The reasons admission (``FunnelLedger/admit(_:policy:pending:nowMillis:)``) refuses an entry with, whichever
    /// way it came in; a StatsD line refused by the ledger is counted under the same name.
    public static let admissionReasons: [Reason] = [
        .numberOutOfRange, .eventTimeOutOfRange, .tooManyPipelines, .tooManyStages, .tooManyQueues, .tooManySeries, .countOverflow,
        .unknownLabel,
    ]

    public var reason: Reason
    /// Position of the offending report in the request, when one report is at fault.
    public var index: Int?
    /// The offending field, when one field is at fault.
    public var field: String?
    /// What is wrong, in words, without the location prefix.
    public var problem: String

    public init(_ reason: Reason, index: Int? = nil, field: String? = nil, _ problem: String) {
        self.reason = reason
        self.index = index
        self.field = field
        self.problem = problem
    }

    /// The full message, e.g. `reports[3].count: must be an integer from 1 to 1000000000000, got -2`.
    public var description: String {
        switch (self.index, self.field) {
        case (.some(let index), .some(let field)): "reports[\(index)].\(field): \(self.problem)"
        case (.some(let index), .none): "reports[\(index)]: \(self.problem)"
        case (.none, .some(let field)): "\(field): \(self.problem)"
        case (.none, .none): self.problem
        }
    }
}
