import FunnelServer
import FunnelTesting
import Testing

/// Every route, spelled every way a client can spell it, gets the access decision and the answer of its canonical
/// spelling: the path is normalised once, before access control and routing.
@Suite struct PathSpellingTests {
    enum Guard: Sendable { case ingest, read, open }

    struct Route: Sendable, CustomStringConvertible {
        var method: String
        var path: String
        var query: String = ""
        var guardedBy: Guard
        var description: String { "\(self.method) \(self.path)" }
    }

    static let routes: [Route] = [
        Route(method: "POST", path: "/v1/reports", guardedBy: .ingest),
        Route(method: "GET", path: "/api/v1/pipelines", guardedBy: .read),
        Route(method: "GET", path: "/api/v1/funnel", query: "?pipeline=orders", guardedBy: .read),
        Route(method: "GET", path: "/api/v1/dlq", guardedBy: .read),
        Route(method: "GET", path: "/api/v1/dlq/sources", guardedBy: .read),
        Route(method: "GET", path: "/api/v1/alarms", guardedBy: .read),
        Route(method: "GET", path: "/metrics", guardedBy: .read),
        Route(method: "GET", path: "/ui/pipelines/orders", guardedBy: .read),
        Route(method: "GET", path: "/-/healthy", guardedBy: .open),
        Route(method: "GET", path: "/-/ready", guardedBy: .open),
    ]

    /// Other spellings of `path` (which starts with `/`).
    static func spellings(of path: String) -> [String] {
        let segments = path.split(separator: "/").map(String.init)
        let first = segments[0]
        let escapedFirst = "%" + String(first.utf8.first!, radix: 16, uppercase: true) + first.dropFirst()
        return [
            "/" + path,
            "/." + path,
            path + "/",
            path + "//",
            path + "/.",
            "/" + segments.joined(separator: "//"),
            "/" + segments.joined(separator: "/./"),
            "/" + first + "%2F" + segments.dropFirst().joined(separator: "%2F"),
            "/" + first + "%2f" + segments.dropFirst().joined(separator: "%2f"),
            "/%2F" + segments.joined(separator: "%2F"),
            "/" + first + "/../" + segments.joined(separator: "/"),
            "/nowhere/.." + path,
            "/../.." + path,
            "/" + escapedFirst + "/" + segments.dropFirst().joined(separator: "/"),
            "/%2E" + path,
            "/" + first + "/%2e%2e" + path,
            "//./" + segments.joined(separator: "/%2F/") + "/./",
            "/" + segments.joined(separator: "/x/%2E%2E/"),
        ].filter { $0 != path }
    }

    static let body = #"{"pipeline":"orders","stage":"ingest","outcome":"received","count":1}"#

    /// Sends one request over a raw connection (so the target reaches the server exactly as written) and returns its
    /// status code.
    static func status(_ route: Route, target: String, token: String?, port: Int) async throws -> Int {
        let connection = try RawConnection(port: port)
        defer { connection.close() }
        var request = "\(route.method) \(target)\(route.query) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        if route.method == "POST" {
            request += "Content-Type: application/json\r\nContent-Length: \(Self.body.utf8.count)\r\n\r\n\(Self.body)"
        } else {
            request += "\r\n"
        }
        connection.send(request)
        let answer = try await BlockingCall.run { connection.waitForEnd(timeout: .seconds(20)) }.received
        let statusLine = answer.split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw LiveServerError("no status line for \(route.method) \(target): \(answer.prefix(200))") }
        return status
    }

    static func token(for route: Route) -> String? {
        switch route.guardedBy {
        case .ingest: "writer-1"
        case .read: "reader-1"
        case .open: nil
        }
    }

    @Test(arguments: PathSpellingTests.routes)
    func everySpellingOfARouteGetsTheDecisionOfItsCanonicalSpelling(route: Route) async throws {
        var configuration = FunnelConfiguration()
        configuration.ingestTokens = ["writer-1"]
        configuration.readTokens = ["reader-1"]
        let server = try await LiveServer.start(configuration: configuration)
        defer { _ = Task { try await server.stop() } }
        let token = Self.token(for: route)
        let seeded = try await Self.status(Self.routes[0], target: "/v1/reports", token: "writer-1", port: server.port)
        #expect(seeded == 202)
        let canonicalWithToken = try await Self.status(route, target: route.path, token: token, port: server.port)
        let canonicalWithout = try await Self.status(route, target: route.path, token: nil, port: server.port)
        #expect(canonicalWithToken != 404 && canonicalWithToken < 500, "\(route) with its token: \(canonicalWithToken)")
        #expect(canonicalWithout == (route.guardedBy == .open ? canonicalWithToken : 401))
        let spellings = Self.spellings(of: route.path)
        #expect(spellings.count >= 12)
        for target in spellings {
            let without = try await Self.status(route, target: target, token: nil, port: server.port)
            #expect(without == canonicalWithout, "\(route.method) \(target) without a token: \(without), canonical \(canonicalWithout)")
            let withToken = try await Self.status(route, target: target, token: token, port: server.port)
            #expect(withToken == canonicalWithToken, "\(route.method) \(target) with the token: \(withToken), canonical \(canonicalWithToken)")
            if route.guardedBy != .open {
                let wrongToken = try await Self.status(route, target: target, token: "not-a-token", port: server.port)
                #expect(wrongToken == 401, "\(route.method) \(target) with a wrong token: \(wrongToken)")
            }
        }
    }

    /// A target that is not a path at all (no leading `/`) is refused by the HTTP parser, with a token or without.
    @Test(arguments: PathSpellingTests.routes)
    func aTargetWithoutALeadingSlashIsNeverServed(route: Route) async throws {
        var configuration = FunnelConfiguration()
        configuration.ingestTokens = ["writer-1"]
        configuration.readTokens = ["reader-1"]
        let server = try await LiveServer.start(configuration: configuration)
        defer { _ = Task { try await server.stop() } }
        let segments = route.path.split(separator: "/")
        for target in ["%2F" + segments.joined(separator: "%2F"), String(route.path.dropFirst()), "." + route.path] {
            for token in [nil, Self.token(for: route)] {
                let status = try await Self.status(route, target: target, token: token, port: server.port)
                #expect(status == 400 || status == 404 || status == 401, "\(route.method) \(target): \(status)")
            }
        }
    }

    @Test(arguments: ["/v1%2", "/v1%zzreports", "/%00/metrics", "/metrics%FF"])
    func anUndecodablePathIsRefusedWith400(target: String) async throws {
        var configuration = FunnelConfiguration()
        configuration.readTokens = ["reader-1"]
        let server = try await LiveServer.start(configuration: configuration)
        defer { _ = Task { try await server.stop() } }
        let route = Route(method: "GET", path: target, guardedBy: .read)
        #expect(try await Self.status(route, target: target, token: nil, port: server.port) == 400)
        let connection = try RawConnection(port: server.port)
        defer { connection.close() }
        connection.send("GET \(target) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let answer = try await BlockingCall.run { connection.waitForEnd(timeout: .seconds(20)) }.received
        #expect(answer.contains(#""reason":"invalid_path""#), "\(answer)")
    }
}
