/// How hard a `202` promises the reports are kept.
public enum Durability: String, Sendable, Hashable, CaseIterable {
    /// Synced to disk before the reply (SQLite `synchronous=FULL`), with group commit sharing one sync among
    /// concurrent requests: survives process crashes, OS crashes and power loss. The default.
    case full
    /// Written before the reply but synced by the OS later (`synchronous=NORMAL` in WAL mode): survives a process
    /// crash, may lose the last second of acknowledged reports on an OS crash or power loss.
    case normal
    /// Nothing is written to disk; a restart starts empty. Counts live only in the ledger, idempotency keys in an
    /// in-memory database. For benchmarks and throwaway demos.
    case memory
}
