public import AsyncHTTPClient
import Foundation
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

    /// An HTTP client shared by the endpoints that are not given one: like `HTTPClient.shared`, but a refused
    /// connection fails the request at once instead of being retried until its deadline, so the caller's backoff
    /// and logs see an unreachable server for what it is.
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// An endpoint as given; ``validate()`` (which ``FunnelReporter/run()`` calls first) says what is wrong with it.
    public init(server: String, token: String? = nil, httpClient: HTTPClient = IngestEndpoint.sharedHTTPClient) {
        var server = server
        while server.hasSuffix("/") { server.removeLast() }
        self.server = server
        self.token = token
        self.httpClient = httpClient
    }

    /// An endpoint whose URL and token are checked at once: throws an ``IngestEndpointError`` naming the input.
    public init(validating server: String, token: String? = nil, httpClient: HTTPClient = IngestEndpoint.sharedHTTPClient) throws(IngestEndpointError) {
        self.init(server: server, token: token, httpClient: httpClient)
        try self.validate()
    }

    /// Refuses a server URL that is not `http://HOST[:PORT][/PATH]` or `https://...`, and a token that cannot be
    /// sent in a header: mistakes that would otherwise look like an outage retried forever.
    public func validate() throws(IngestEndpointError) {
        let shown = String(reflecting: self.server)
        guard let url = URLComponents(string: self.server), let scheme = url.scheme?.lowercased() else {
            throw IngestEndpointError(input: "server", "\(shown) is not a URL; expected http://HOST:PORT, e.g. http://127.0.0.1:9470")
        }
        guard scheme == "http" || scheme == "https" else {
            throw IngestEndpointError(input: "server", "\(shown) must start with http:// or https://, e.g. http://\(self.server)")
        }
        guard let host = url.host, !host.isEmpty else {
            throw IngestEndpointError(input: "server", "\(shown) has no host; expected http://HOST:PORT, e.g. http://127.0.0.1:9470")
        }
        if let port = url.port, !(1...65535).contains(port) {
            throw IngestEndpointError(input: "server", "\(shown): port must be from 1 to 65535, got \(port)")
        }
        guard url.query == nil, url.fragment == nil, url.user == nil else {
            throw IngestEndpointError(input: "server", "\(shown) must be a base URL without user, query or fragment; /v1/reports is added to it")
        }
        if let token = self.token {
            guard !token.isEmpty else { throw IngestEndpointError(input: "token", "is empty; pass nil for a server without ingest_tokens") }
            guard token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw IngestEndpointError(input: "token", "must be printable ASCII without spaces (it is sent as Authorization: Bearer TOKEN)")
            }
        }
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
            replayed: response.headers.first(name: "Idempotent-Replayed")?.lowercased() == "true",
            serverDate: response.headers.first(name: "Date").flatMap(HTTPDate.parse)
        )
    }
}

/// An ``IngestEndpoint`` that cannot work, e.g. `server: "127.0.0.1:9470" must start with http:// or https://`.
public struct IngestEndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input at fault: `server` or `token`.
    public var input: String
    /// What is wrong with it.
    public var problem: String

    public init(input: String, _ problem: String) {
        self.input = input
        self.problem = problem
    }

    public var description: String { "IngestEndpoint \(self.input): \(self.problem)" }
}

/// The HTTP `Date` header's format (RFC 9110 IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`).
enum HTTPDate {
    static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
