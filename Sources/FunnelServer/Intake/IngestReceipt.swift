/// The answer to an accepted report request.
public struct IngestReceipt: Sendable, Equatable {
    /// Reports accepted.
    public var accepted: Int
    /// True when this is an idempotent retry answered from the stored reply.
    public var replayed: Bool
}
