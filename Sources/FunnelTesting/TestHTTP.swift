import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression

/// A minimal HTTP client for tests against live servers (Funnel, Prometheus), on AsyncHTTPClient.
public enum TestHTTP {
    /// A response: status code, headers, and body as text.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: String

        public func header(_ name: String) -> String? {
            self.headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        /// The body decoded as JSON.
        public func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(self.body.utf8), options: [.fragmentsAllowed])
        }
    }

    /// The shared client's configuration, inflating any body up to the collect limit: Prometheus gzips the JSON of
    /// many alike series past the shared client's 25:1 ratio, which fails the request with `DecompressionError.limit`.
    /// It lives as long as the test process, so it is never shut down.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.decompression = .enabled(limit: .size(64 * 1024 * 1024))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Performs one request.
    public static func request(
        _ url: String,
        method: String = "GET",
        headers: [(String, String)] = [],
        body: String? = nil,
        timeoutSeconds: Int64 = 10
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                request.headers.add(name: "Content-Type", value: "application/json")
            }
        }
        let response = try await Self.client.execute(request, timeout: .seconds(timeoutSeconds))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Reply(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: String(buffer: bytes)
        )
    }

    public static func get(_ url: String, headers: [(String, String)] = []) async throws -> Reply {
        try await self.request(url, headers: headers)
    }

    public static func post(_ url: String, body: String, headers: [(String, String)] = []) async throws -> Reply {
        try await self.request(url, method: "POST", headers: headers, body: body)
    }
}
