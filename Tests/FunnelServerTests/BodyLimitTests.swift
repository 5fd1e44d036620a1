import Foundation
import FunnelServer
import FunnelTesting
import Testing

/// Bodies that are too large or arrive too slowly are refused at once and free their slot, and the client can read
/// the refusal.
@Suite struct BodyLimitTests {
    static let report = #"{"pipeline":"orders","stage":"ingest","outcome":"received","count":1}"#

    /// Clients that trickle their bodies a byte at a time are refused by the rate rule within seconds, long before
    /// the body timeout, and a normal client is accepted while they still trickle.
    @Test func tricklingBodiesAreRefusedAndFreeTheirSlots() async throws {
        var configuration = FunnelConfiguration()
        configuration.maximumConcurrentRequests = 3
        configuration.bodyTimeoutSeconds = 120
        configuration.bodyGraceSeconds = 1
        configuration.minimumBodyBytesPerSecond = 256
        let server = try await LiveServer.start(configuration: configuration)
        defer { _ = Task { try await server.stop() } }
        let clock = ContinuousClock()
        let start = clock.now
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                let connection = try RawConnection(port: server.port)
                group.addTask {
                    defer { connection.close() }
                    connection.send("POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{")
                    let trickle = Task {
                        while !Task.isCancelled {
                            try await Task.sleep(for: .milliseconds(500))
                            connection.send(" ")
                        }
                    }
                    defer { trickle.cancel() }
                    let (_, received) = try await BlockingCall.run { connection.waitForEnd(timeout: .seconds(60)) }
                    return received
                }
            }
            let accepted = try await Deadline.poll("a normal client accepted while the others trickle", timeout: .seconds(30)) { () -> Bool? in
                try await server.request("POST", "/v1/reports", body: Self.report, headers: [("Content-Type", "application/json")]).status == 202 ? true : nil
            }
            #expect(accepted)
            var answers: [String] = []
            for try await answer in group { answers.append(answer) }
            return answers
        }
        #expect(clock.now - start < .seconds(60), "the trickling clients were held until the body timeout")
        let tooSlow = answers.filter { $0.hasPrefix("HTTP/1.1 408") && $0.contains(#""reason":"body_too_slow""#) }
        let overloaded = answers.filter { $0.hasPrefix("HTTP/1.1 503") && $0.contains("overloaded") }
        // Three slots, and the normal client can hold one of them when the tricklers arrive: at least two trickle in.
        #expect(tooSlow.count >= 2, "answers: \(answers.map { $0.prefix(60) })")
        #expect(tooSlow.count + overloaded.count == 8, "answers: \(answers.map { $0.prefix(60) })")
        #expect(tooSlow.allSatisfy { $0.lowercased().contains("connection: close") })
        #expect(try await server.metric(#"funnel_ingest_rejected_total{reason="body_too_slow"}"#).map { $0 >= Double(tooSlow.count) } == true, "every refusal the clients saw is counted")
    }

    /// A Content-Length over the limit gets 413 before the body is read, whatever the size; the connection ends after
    /// the answer.
    @Test(arguments: [1025, 100_000, 10_000_000, 9_000_000_000])
    func aDeclaredLengthOverTheLimitIsRefusedAtOnce(length: Int) async throws {
        var configuration = FunnelConfiguration()
        configuration.maximumBodyBytes = 1024
        configuration.bodyTimeoutSeconds = 120
        let server = try await LiveServer.start(configuration: configuration)
        defer { _ = Task { try await server.stop() } }
        let connection = try RawConnection(port: server.port)
        defer { connection.close() }
        connection.send("POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n\r\n")
        _ = try await BlockingCall.run { connection.send(repeating: UInt8(ascii: " "), count: min(length, 65_536)) }
        let (ended, answer) = try await BlockingCall.run { connection.waitForEnd(timeout: .seconds(20)) }
        #expect(ended, "the connection was left open after the 413")
        #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(200))")
        #expect(answer.contains(#""reason":"body_too_large""#))
        #expect(try await server.metric(#"funnel_ingest_rejected_total{reason="body_too_large"}"#) == 1)
    }

    /// A chunked body (no Content-Length) that grows past the limit is refused when it does.
    @Test func aChunkedBodyOverTheLimitIsRefused() async throws {
        var configuration = FunnelConfiguration()
        configuration.maximumBodyBytes = 1024
        let server = try await LiveServer.start(configuration: configuration)
        defer { _ = Task { try await server.stop() } }
        let connection = try RawConnection(port: server.port)
        defer { connection.close() }
        let chunk = String(repeating: " ", count: 4096)
        connection.send("POST /v1/reports HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n\(chunk)\r\n")
        let (ended, answer) = try await BlockingCall.run { connection.waitForEnd(timeout: .seconds(20)) }
        #expect(ended)
        #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(200))")
    }

    /// A plain client that sends the whole body before it reads (Python's urllib) reads the 413 promptly.
    @Test(arguments: [1_000_000, 4_000_000])
    func aClientThatSendsTheWholeBodyReadsThe413(length: Int) async throws {
        var configuration = FunnelConfiguration()
        configuration.maximumBodyBytes = 1024
        configuration.bodyTimeoutSeconds = 120
        let server = try await LiveServer.start(configuration: configuration)
        defer { _ = Task { try await server.stop() } }
        let script = """
            import sys, urllib.request, urllib.error
            request = urllib.request.Request(sys.argv[1], data=b" " * int(sys.argv[2]), headers={"Content-Type": "application/json"})
            try:
                urllib.request.urlopen(request, timeout=20)
                print("no error")
            except urllib.error.HTTPError as error:
                print(error.code, error.read().decode())
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script, server.baseURL + "/v1/reports", "\(length)"]
        let output = Pipe()
        python.standardOutput = output
        python.standardError = output
        let clock = ContinuousClock()
        let start = clock.now
        try python.run()
        let reader = output.fileHandleForReading
        let text = try await BlockingCall.run { String(decoding: reader.readDataToEndOfFile(), as: UTF8.self) }
        _ = try await Deadline.poll("python3 to exit", timeout: .seconds(60)) { python.isRunning ? nil : true }
        #expect(text.hasPrefix("413 "), "\(text)")
        #expect(text.contains("body_too_large"))
        #expect(clock.now - start < .seconds(25), "urllib waited for the answer")
    }
}
