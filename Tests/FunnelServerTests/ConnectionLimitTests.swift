import FunnelServer
import FunnelTesting
import Testing

/// Connections that never finish their headers cannot make the server unreachable: over the cap they are closed at
/// once, under it they are closed when the header timeout passes, and normal clients are served meanwhile.
@Suite struct ConnectionLimitTests {
    static let stalls = [
        "",
        "GET /metrics HTTP/1.1\r\nHost:",
        "POST /v1/reports HTTP/1.1\r\n",
        "GET /-/healthy HTTP/1.1\r\nHost: x\r\nX-Slow: ",
        "G",
    ]

    @Test func connectionsOverTheCapAreClosedAtOnceAndCounted() async throws {
        var configuration = FunnelConfiguration()
        configuration.maximumConnections = 20
        configuration.headerTimeoutSeconds = 60
        let server = try await LiveServer.start(configuration: configuration)
        defer { _ = Task { try await server.stop() } }
        // No other client may hold a connection here: the cap counts every one.
        // Each connection under the cap is admitted for sure (it is answered) before it stalls in its second request,
        // so that which connections get the places does not depend on the order the event loops set them up.
        var stalled: [RawConnection] = []
        for index in 0..<20 {
            let connection = try RawConnection(port: server.port)
            connection.send("GET /api/v1/alarms HTTP/1.1\r\nHost: x\r\n\r\n")
            let answer = try await BlockingCall.run { connection.receive(timeout: .seconds(20)) }
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
            connection.send(Self.stalls[index % Self.stalls.count])
            stalled.append(connection)
        }
        for index in 0..<40 {
            let extra = try RawConnection(port: server.port)
            extra.send(Self.stalls[index % Self.stalls.count])
            let (ended, received) = try await BlockingCall.run { extra.waitForEnd(timeout: .seconds(10)) }
            #expect(ended, "connection \(index) over the cap was not closed")
            #expect(received.isEmpty)
            extra.close()
        }
        for connection in stalled {
            let ended = try await BlockingCall.run { connection.waitForEnd(timeout: .milliseconds(20)) }.ended
            #expect(!ended, "a connection under the cap was closed")
        }
        for connection in stalled { connection.close() }
        let healthy = try await Deadline.poll("a normal client to be served once the stalled connections close") { () -> Int? in
            let (status, _, _) = try await server.request("GET", "/-/healthy")
            return status == 200 ? status : nil
        }
        #expect(healthy == 200)
        let refused = try #require(try await server.metric("funnel_http_connections_refused_total"))
        #expect(refused >= 40)
        #expect(try await server.metric("funnel_http_connections_limit") == 20)
        #expect(try await server.metric("funnel_http_connections_open").map { $0 >= 1 && $0 <= 20 } == true)
    }

    @Test func aConnectionWithoutACompleteHeadIsClosedWhenTheHeaderTimeoutPasses() async throws {
        var configuration = FunnelConfiguration()
        configuration.maximumConnections = 40
        configuration.headerTimeoutSeconds = 1
        let server = try await LiveServer.start(configuration: configuration)
        defer { _ = Task { try await server.stop() } }
        let clock = ContinuousClock()
        let start = clock.now
        var stalled: [RawConnection] = []
        for index in 0..<30 {
            let connection = try RawConnection(port: server.port)
            connection.send(Self.stalls[index % Self.stalls.count])
            stalled.append(connection)
        }
        // A normal client is served while the stalled connections hold their places.
        let (status, _, _) = try await server.request("GET", "/-/healthy")
        #expect(status == 200)
        for (index, connection) in stalled.enumerated() {
            let (ended, _) = try await BlockingCall.run { connection.waitForEnd(timeout: .seconds(20)) }
            #expect(ended, "stalled connection \(index) (\(String(reflecting: Self.stalls[index % Self.stalls.count]))) was not closed")
            connection.close()
        }
        #expect(clock.now - start >= .milliseconds(900), "closed before the header timeout")
        let timeouts = try #require(try await server.metric("funnel_http_header_timeouts_total"))
        #expect(timeouts >= 30)
    }

    @Test func aKeptAliveConnectionIsNotClosedByTheHeaderTimeout() async throws {
        var configuration = FunnelConfiguration()
        configuration.headerTimeoutSeconds = 0.5
        let server = try await LiveServer.start(configuration: configuration)
        defer { _ = Task { try await server.stop() } }
        let connection = try RawConnection(port: server.port)
        defer { connection.close() }
        connection.send("GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n")
        let (ended, received) = try await BlockingCall.run { connection.waitForEnd(timeout: .seconds(2)) }
        #expect(!ended)
        #expect(received.hasPrefix("HTTP/1.1 200"))
        connection.send("GET /-/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let second = try await BlockingCall.run { connection.waitForEnd(timeout: .seconds(20)) }
        #expect(second.received.hasPrefix("HTTP/1.1 200"), "\(second.received)")
    }

    // Raising the soft file limit is proven on the real binary (ListenerStartTests): lowering this process's limit
    // here would make the other in-process servers fail to accept.

    @Test(arguments: [(UInt64(1024), 896), (UInt64(65_536), 4096), (UInt64(100), 16), (UInt64(2000), 1872)])
    func theDefaultCapStaysBelowTheFileLimit(files: UInt64, cap: Int) {
        #expect(FileDescriptorLimit(soft: files, hard: files).defaultConnectionLimit == cap)
    }
}
