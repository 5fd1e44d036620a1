/// The body of a `202` to `POST /v1/reports`: `{"accepted": n}`, the reports counted.
public struct IngestAcknowledgement: Sendable, Hashable, Codable {
    public var accepted: Int

    public init(accepted: Int) {
        self.accepted = accepted
    }
}
