import FunnelCore
public import Hummingbird

/// Requires `Authorization: Bearer <token>` on `/v1/*` (ingest tokens) and on `/api/*` and `/metrics` (read tokens),
/// when tokens are configured; health endpoints stay open. Refusals are `401` with a JSON error and `WWW-Authenticate`.
///
/// The path it sees is canonical (``CanonicalPathResponder`` rewrites it before routing), so `//v1/reports` or
/// `/metrics/` cannot pass as something else.
public struct AccessControlMiddleware<Context: RequestContext>: RouterMiddleware {
    let ingest: AccessTokens
    let read: AccessTokens
    /// Counts a refused ingest request (`funnel_ingest_rejected_total{reason="unauthorized"}`).
    let countUnauthorizedIngest: @Sendable () -> Void

    /// `countUnauthorizedIngest` is called for each ingest request refused for its token.
    public init(ingest: AccessTokens, read: AccessTokens, countUnauthorizedIngest: @escaping @Sendable () -> Void) {
        self.ingest = ingest
        self.read = read
        self.countUnauthorizedIngest = countUnauthorizedIngest
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let tokens: AccessTokens
        let isIngest = path == "/v1" || path.hasPrefix("/v1/")
        if isIngest {
            tokens = self.ingest
        } else if path == "/api" || path.hasPrefix("/api/") || path == "/metrics" {
            tokens = self.read
        } else {
            return try await next(request, context)
        }
        if tokens.isOpen { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        let scheme = "Bearer "
        if header.count > scheme.count, header.prefix(scheme.count).lowercased() == scheme.lowercased(),
            tokens.accepts(header.dropFirst(scheme.count))
        {
            return try await next(request, context)
        }
        if isIngest { self.countUnauthorizedIngest() }
        var error = APIError(
            .unauthorized,
            header.isEmpty ? "authorization: a bearer token is required (Authorization: Bearer <token>)" : "authorization: the token is not valid here",
            reason: "unauthorized", field: "Authorization"
        )
        error.headers[.wwwAuthenticate] = #"Bearer realm="funnel""#
        throw error
    }
}
