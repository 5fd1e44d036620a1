public import Hummingbird

/// Rewrites each request's path to its canonical spelling (``RequestPath``) before the router looks it up, so that
/// access control, which runs as router middleware, and routing see the same path; an unreadable path gets `400`.
///
/// Router middleware runs only after the route is found, so the rewrite has to happen in front of the router.
public struct CanonicalPathResponder<Base: HTTPResponder>: HTTPResponder where Base.Context: RequestContext {
    public typealias Context = Base.Context
    let base: Base

    public init(_ base: Base) {
        self.base = base
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let target = request.head.path ?? "/"
        let canonical: String
        do {
            canonical = try RequestPath.canonicalTarget(target)
        } catch {
            let refusal = APIError(.badRequest, error.description, reason: "invalid_path", field: "path")
            return try refusal.response(from: request, context: context)
        }
        guard canonical != target else { return try await self.base.respond(to: request, context: context) }
        var head = request.head
        head.path = canonical
        return try await self.base.respond(to: Request(head: head, body: request.body), context: context)
    }
}
