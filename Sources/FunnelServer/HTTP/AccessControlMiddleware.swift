import FunnelCore
public import Hummingbird
import NIOCore

/// Requires `Authorization: Bearer <token>` on `/v1/*` (ingest tokens) and on `/api/*` and `/metrics` (read tokens),
/// when tokens are configured; health endpoints stay open. The web pages (`/`, `/ui/*`) take a read token too, in the
/// header or in the cookie the login form sets (which `/api/*` and `/metrics` take as well, so the pages' links
/// work); without one they answer `401` with the login form. The form and the pages' assets stay open.
/// `POST /-/reload` takes either kind of token, or, when none is configured, only comes from loopback. Refusals are `401` (`403` for a reload from elsewhere) with a JSON error
/// and `WWW-Authenticate`.
///
/// The path it sees is canonical (``CanonicalPathResponder`` rewrites it before routing), so `//v1/reports` or
/// `/metrics/` cannot pass as something else. The tokens are read on each request, so a reload replaces them.
public struct AccessControlMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: RunningValue<RequestTokens>
    /// Counts a refused ingest request (`funnel_ingest_rejected_total{reason="unauthorized"}`).
    let countUnauthorizedIngest: @Sendable () -> Void

    /// `countUnauthorizedIngest` is called for each ingest request refused for its token.
    public init(tokens: RunningValue<RequestTokens>, countUnauthorizedIngest: @escaping @Sendable () -> Void) {
        self.tokens = tokens
        self.countUnauthorizedIngest = countUnauthorizedIngest
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let current = self.tokens.value
        let tokens: AccessTokens
        let isIngest = path == "/v1" || path.hasPrefix("/v1/")
        if isIngest {
            tokens = current.ingest
        } else if path == "/api" || path.hasPrefix("/api/") || path == "/metrics" || Self.isPage(path) {
            tokens = current.read
        } else if path == "/-/reload" {
            return try await self.reload(request, context: context, tokens: current, next: next)
        } else {
            return try await next(request, context)
        }
        if tokens.isOpen { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        if Self.bearer(header).map(tokens.accepts) == true {
            return try await next(request, context)
        }
        let cookie = isIngest ? nil : request.headers[.cookie].flatMap(WebUISession.token(cookieHeader:))
        if cookie.map(tokens.accepts) == true {
            return try await next(request, context)
        }
        if isIngest { self.countUnauthorizedIngest() }
        if Self.isPage(path) {
            let problem = header.isEmpty && cookie == nil ? nil : "That token is not a read token of this server."
            var response = WebUIPage.response(LoginPage(next: Self.pageTarget(request), problem: problem).html(), status: .unauthorized)
            response.headers[.wwwAuthenticate] = #"Bearer realm="funnel""#
            return response
        }
        throw Self.unauthorized(header)
    }

    /// Whether `path` is a web page behind read tokens: `/` and `/ui/*`, except the login form and the assets.
    static func isPage(_ path: String) -> Bool {
        path == "/" || (path.hasPrefix("/ui/") && path != "/ui/login" && !path.hasPrefix("/ui/assets/"))
    }

    /// The page to return to after signing in: the request's path and query.
    private static func pageTarget(_ request: Request) -> String {
        let query = request.uri.query.map { "?" + $0 } ?? ""
        return WebUISession.localPath(request.uri.path + query)
    }

    /// A reload takes an ingest or a read token; with no token configured, it must come from loopback.
    private func reload(_ request: Request, context: Context, tokens: RequestTokens, next: (Request, Context) async throws -> Response) async throws -> Response {
        if tokens.ingest.isOpen, tokens.read.isOpen {
            let remote = (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress
            guard let remote, remote == "::1" || remote.hasPrefix("127.") || remote.hasPrefix("::ffff:127.") else {
                throw APIError(
                    .forbidden, "/-/reload: only from loopback when no ingest or read token is configured",
                    reason: "forbidden", field: "Authorization"
                )
            }
            return try await next(request, context)
        }
        let header = request.headers[.authorization] ?? ""
        if let token = Self.bearer(header), tokens.ingest.accepts(token) || tokens.read.accepts(token) {
            return try await next(request, context)
        }
        throw Self.unauthorized(header)
    }

    /// The token of an `Authorization: Bearer` header.
    private static func bearer(_ header: String) -> Substring? {
        let scheme = "Bearer "
        guard header.count > scheme.count, header.prefix(scheme.count).lowercased() == scheme.lowercased() else { return nil }
        return header.dropFirst(scheme.count)
    }

    private static func unauthorized(_ header: String) -> APIError {
        var error = APIError(
            .unauthorized,
            header.isEmpty ? "authorization: a bearer token is required (Authorization: Bearer <token>)" : "authorization: the token is not valid here",
            reason: "unauthorized", field: "Authorization"
        )
        error.headers[.wwwAuthenticate] = #"Bearer realm="funnel""#
        return error
    }
}
