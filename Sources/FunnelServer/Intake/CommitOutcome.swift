/// What happened when a batch was offered to storage.
public enum CommitOutcome: Sendable, Equatable {
    /// Stored; apply it in memory and answer `202`.
    case committed
    /// The idempotency key was seen before with the same body: answer with the stored reply, apply nothing.
    case replayed(accepted: Int)
    /// The idempotency key was seen before with a different body.
    case conflict
}
