public import FunnelCore
public import Hummingbird
import Foundation

/// An error answered as JSON, an ``ErrorBody``: `{"error": "...", "reason": "...", "index": i, "field": "..."}`.
///
/// Every refusal of the HTTP API goes through here, so status codes and body shape are decided in one place.
public struct APIError: HTTPResponseError {
    public var status: HTTPResponse.Status
    public var message: String
    public var reason: String?
    public var index: Int?
    public var field: String?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ message: String, reason: String? = nil, index: Int? = nil, field: String? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
        self.index = index
        self.field = field
    }

    /// Maps a report rejection to its status: `413` for an oversized body, `422` for a reused idempotency key, `400` otherwise.
    public init(_ rejection: ReportRejection) {
        let status: HTTPResponse.Status =
            switch rejection.reason {
            case .bodyTooLarge: .contentTooLarge
            case .idempotencyConflict: .unprocessableContent
            default: .badRequest
            }
        self.init(status, rejection.description, reason: rejection.reason.rawValue, index: rejection.index, field: rejection.field)
    }

    /// Keys sorted: without it Foundation writes them in an order that differs from one process to the next.
    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try Self.encoder.encode(ErrorBody(error: self.message, reason: self.reason, index: self.index, field: self.field))
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: self.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
