/// Funnel's own ingest counters, as exposed in `/metrics`.
public struct IngestCounters: Sendable, Hashable {
    /// Reports accepted (a replayed idempotent request is not counted again).
    public var acceptedReports: UInt64 = 0
    /// Accepted requests.
    public var acceptedRequests: UInt64 = 0
    /// Idempotent retries answered from the stored reply.
    public var replayedRequests: UInt64 = 0
    /// Rejected requests by reason.
    public var rejected: [ReportRejection.Reason: UInt64] = [:]

    public init() {}
}
