public import Hummingbird
public import Logging
import FunnelCore
import NIOCore
import Synchronization

/// The request log and request timing: one line per request with method, path, status, duration, bytes and remote
/// address, at `info` for answers of `400` and above and at `debug` for the rest; every request is timed into
/// ``HTTPRequestDurations`` by route.
///
/// The query is logged with the values of secret-looking parameters (`token`, `key`, `secret`, ...) replaced;
/// headers, and so bearer tokens, are never logged. At `info`, at most 100 lines a second are written
/// (``RequestLogBudget``); the next line written says how many were left out.
public struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    let durations: HTTPRequestDurations
    private let budget = RequestLogBudgetBox()

    public init(logger: Logger, durations: HTTPRequestDurations) {
        self.logger = logger
        self.durations = durations
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            self.finish(request, context: context, status: Int(response.status.code), bytes: response.body.contentLength, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500
            self.finish(request, context: context, status: status, bytes: nil, since: start)
            throw error
        }
    }

    private func finish(_ request: Request, context: Context, status: Int, bytes: Int?, since start: ContinuousClock.Instant) {
        let elapsed = (ContinuousClock.now - start).inSeconds
        // A route pattern, or `unmatched` for a request no route took (Hummingbird names those `NotFound`).
        let handler = context.endpointPath.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "unmatched"
        self.durations.record(handler: handler, code: status, seconds: elapsed)
        let level: Logger.Level = status >= 400 ? .info : .debug
        guard self.logger.logLevel <= level else { return }
        var suppressed: UInt64 = 0
        if self.logger.logLevel > .debug {
            switch self.budget.state.withLock({ $0.admit(now: .now) }) {
            case .suppress: return
            case .write(let before): suppressed = before
            }
        }
        let remote = (context as? any RemoteAddressRequestContext)?.remoteAddress
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)",
            "path": "\(Self.loggedTarget(path: request.uri.path, query: request.uri.query))",
            "status": "\(status)",
            "duration_seconds": "\(Self.rounded(elapsed))",
            "bytes": "\(bytes.map(String.init) ?? "-")",
            "remote": "\(remote.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "-")",
        ]
        if suppressed > 0 { metadata["suppressed_before"] = "\(suppressed)" }
        self.logger.log(level: level, "request", metadata: metadata)
    }

    /// The path and query as logged: values of parameters whose name looks secret are replaced by `REDACTED`.
    static func loggedTarget(path: String, query: String?) -> String {
        guard let query, !query.isEmpty else { return path }
        let parameters = query.split(separator: "&", omittingEmptySubsequences: false).map { parameter -> String in
            guard let equals = parameter.firstIndex(of: "=") else { return String(parameter) }
            let name = parameter[..<equals].lowercased()
            let secret = secretParameterNames.contains { name.contains($0) }
            return secret ? "\(parameter[..<equals])=REDACTED" : String(parameter)
        }
        return path + "?" + parameters.joined(separator: "&")
    }

    private static func rounded(_ seconds: Double) -> Double {
        (seconds * 1_000_000).rounded() / 1_000_000
    }
}

/// Parts of query parameter names whose values the request log replaces.
private let secretParameterNames = ["token", "key", "secret", "password", "passwd", "auth", "signature", "sig", "credential", "session"]

/// The request log's budget, shared by every copy of the middleware.
private final class RequestLogBudgetBox: Sendable {
    let state = Mutex(RequestLogBudget())
}
