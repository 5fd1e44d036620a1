import FunnelCore
import Hummingbird

extension FunnelRoutes {
    /// `GET /api/v1/comparisons/NAME[?from=T1&to=T2][&detail=buckets]`: both pipelines over the buckets both have
    /// settled; `400` naming a bad parameter, `404` for an unknown comparison.
    func comparison(_ request: Request, name: String) throws -> Response {
        let query = request.uri.queryParameters
        let from = try Self.time(query["from"], name: "from")
        let to = try Self.time(query["to"], name: "to")
        if let from, let to, from >= to {
            throw APIError(.badRequest, "from: must be before to", reason: "invalid_parameter", field: "from")
        }
        let detail = query["detail"].map(String.init)
        guard detail == nil || detail == "buckets" else {
            throw APIError(.badRequest, "detail: the only detail is \"buckets\", got \(String(reflecting: detail!))", reason: "invalid_parameter", field: "detail")
        }
        guard let comparison = self.comparisons.value.first(where: { $0.name == name }) else {
            throw APIError(
                .notFound, "name: no comparison named \(String(reflecting: name)); see /api/v1/comparisons", reason: "unknown_comparison", field: "name"
            )
        }
        let report = self.intake.withSettledLedger { ledger in
            ledger.comparison(comparison, fromMillis: from, toMillis: to, includeBuckets: detail == "buckets")
        }
        return try JSONResponse.make(report)
    }
}
