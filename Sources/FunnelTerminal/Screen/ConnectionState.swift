import FunnelCore
/// How `funnel top` stands with its server, as the screen shows it.
public enum ConnectionState: Sendable, Hashable {
    /// No answer yet; `error` is the last failure, if an attempt failed.
    case connecting(attempt: Int, error: String?)
    /// The last poll succeeded `dataAgeSeconds` ago.
    case live(dataAgeSeconds: Double)
    /// Polls fail: the screen keeps the data of `dataAgeSeconds` ago (nil: never had any) and retries.
    case unreachable(error: String, dataAgeSeconds: Double?, attempt: Int, retryInSeconds: Double?)
}
