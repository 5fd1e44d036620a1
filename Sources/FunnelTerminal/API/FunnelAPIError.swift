/// Why a request to the Funnel server failed, naming the URL asked for.
public enum FunnelAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No HTTP answer: refused, timed out, name not found.
    case unreachable(url: String, reason: String)
    /// An HTTP answer other than the one expected.
    case badStatus(url: String, status: Int, body: String)
    /// A 2xx answer whose JSON is not what this client understands.
    case undecodable(url: String, reason: String)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason): "cannot reach \(url): \(reason)"
        case .badStatus(let url, 401, let body): "\(url) answered 401: \(body); give a token the server accepts (--token)"
        case .badStatus(let url, let status, let body): "\(url) answered \(status)\(body.isEmpty ? "" : ": \(body)")"
        case .undecodable(let url, let reason): "\(url) answered JSON this client does not understand: \(reason)"
        }
    }

    /// A few words for the screen's status line, e.g. `connection refused` or `HTTP 500`.
    public var shortDescription: String {
        switch self {
        case .unreachable(_, let reason): reason
        case .badStatus(_, 401, _): "HTTP 401: a token is needed (--token)"
        case .badStatus(_, let status, _): "HTTP \(status)"
        case .undecodable: "unexpected answer"
        }
    }

    /// Turns a transport error into a short human reason.
    static func reason(for error: any Error) -> String {
        let text = String(describing: error)
        let lower = text.lowercased()
        if lower.contains("refused") { return "connection refused" }
        if lower.contains("timeout") || lower.contains("timed out") || lower.contains("deadline") { return "timed out" }
        if lower.contains("reset") { return "connection reset" }
        if lower.contains("unknown host") || lower.contains("name resolution") || lower.contains("getaddrinfo") { return "unknown host" }
        if lower.contains("closed") || lower.contains("eof") { return "connection closed" }
        return text.count > 80 ? String(text.prefix(79)) + "…" : text
    }
}
