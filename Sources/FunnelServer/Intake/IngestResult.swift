public import FunnelCore

/// What became of one ingest: whether it was stored and counted, and the entries admission left out.
public struct IngestResult: Sendable, Equatable {
    public var outcome: CommitOutcome
    /// Entries refused under ``AdmissionPolicy/skipRefused``, numbered as in ``IngestEntries``; the rest were counted.
    public var refused: [Admission.Refusal]

    public init(outcome: CommitOutcome, refused: [Admission.Refusal] = []) {
        self.outcome = outcome
        self.refused = refused
    }
}
