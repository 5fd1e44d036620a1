public import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A Funnel server's ingest API: posts `/v1/reports` bodies (stage and DLQ depth reports) and returns the reply.
///
/// A thin layer over AsyncHTTPClient shared by ``FunnelReporter`` and `funnel emit`. It never retries;
/// callers decide, keeping the same `Idempotency-Key` for every retry of the same body.
public struct IngestEndpoint: Sendable {
    /// The server's base URL, e.g. `http://127.0.0.1:9470`, without a trailing slash.
    public let server: String
    /// Sent as `Authorization: Bearer <token>` when the server requires ingest tokens.
    public let token: String?
    public let httpClient: HTTPClient

    /// The largest reply body read, in bytes.
    static let maximumReplyBytes = 1 << 20

    public init(server: String, token: String? = nil, httpClient: HTTPClient = .shared) {
        var server = server
        while server.hasSuffix("/") { server.removeLast() }
        self.server = server
        self.token = token
        self.httpClient = httpClient
    }

    /// Posts a `POST /v1/reports` body; throws only when no answer came (connection refused, timeout).
    public func postReports(_ body: [UInt8], idempotencyKey: String?, timeout: Duration) async throws -> IngestReply {
        try await self.post("/v1/reports", body, idempotencyKey: idempotencyKey, timeout: timeout)
    }


    private func post(_ path: String, _ body: [UInt8], idempotencyKey: String?, timeout: Duration) async throws -> IngestReply {
        var request = HTTPClientRequest(url: self.server + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await self.httpClient.execute(request, timeout: TimeAmount(timeout))
        let reply = try await response.body.collect(upTo: Self.maximumReplyBytes)
        return IngestReply(
            status: Int(response.status.code),
            body: String(buffer: reply),
            replayed: response.headers.first(name: "Idempotent-Replayed")?.lowercased() == "true"
        )
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
