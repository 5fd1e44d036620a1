public import FunnelCore

/// What became of a batch of StatsD-borne entries: how many were counted and why the others were not.
public struct AdmissionTally: Sendable, Equatable {
    /// Entries admitted, persisted and counted.
    public var accepted: Int = 0
    /// Entries the ledger refused, by reason; the rest of their batch was still counted.
    public var refused: [ReportRejection.Reason: Int] = [:]

    public init() {}
}
