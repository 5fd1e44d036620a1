/// How an operation run under a ``TimeLimit`` ended.
public enum TimeLimitOutcome<Value: Sendable>: Sendable {
    /// It returned or threw within the limit.
    case finished(Result<Value, any Error>)
    /// The limit passed first; the operation was cancelled and left behind.
    case timedOut
}
