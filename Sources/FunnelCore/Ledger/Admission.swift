/// What admission does with an entry the ledger refuses.
public enum AdmissionPolicy: Sendable, Hashable {
    /// Refuse the whole ingest on the first refused entry (HTTP: the sender fixes the request and resends it).
    case allOrNothing
    /// Leave refused entries out and admit the rest (StatsD lines and DLQ polls have nobody to answer).
    case skipRefused
}

/// The outcome of admitting entries: the batch to persist and apply, and the entries left out.
public struct Admission: Sendable, Equatable {
    /// One entry left out, by its number in ``IngestEntries`` and why.
    public struct Refusal: Sendable, Equatable {
        public var index: Int
        public var rejection: ReportRejection

        public init(index: Int, rejection: ReportRejection) {
            self.index = index
            self.rejection = rejection
        }
    }

    public var batch: ReportBatch
    /// Empty under ``AdmissionPolicy/allOrNothing``, which throws instead.
    public var refused: [Refusal]

    public init(batch: ReportBatch, refused: [Refusal] = []) {
        self.batch = batch
        self.refused = refused
    }
}
