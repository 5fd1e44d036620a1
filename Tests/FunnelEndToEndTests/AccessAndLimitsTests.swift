import Foundation
import FunnelTesting
import Testing

@Suite struct AccessAndLimitsTests {
    @Test func tokensGuardIngestAndReadButNotHealth() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tokenFile = try directory.write("# readers\nreader-2\n", to: "read-tokens")
        let config = try directory.write("ingest_tokens: [writer-1]\nread_tokens: [reader-1]\nread_tokens_file: \(tokenFile)\n", to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let body = #"{"pipeline":"orders","stage":"ingest","outcome":"received","count":3}"#

        let anonymous = try await TestHTTP.post(url + "/v1/reports", body: body)
        #expect(anonymous.status == 401)
        #expect(anonymous.header("WWW-Authenticate") == #"Bearer realm="funnel""#)
        #expect((try anonymous.json() as? [String: Any])?["reason"] as? String == "unauthorized")
        #expect(try await TestHTTP.post(url + "/v1/reports", body: body, headers: [("Authorization", "Bearer reader-1")]).status == 401)
        #expect(try await TestHTTP.post(url + "/v1/reports", body: body, headers: [("Authorization", "Bearer writer-1")]).status == 202)

        #expect(try await TestHTTP.get(url + "/metrics").status == 401)
        #expect(try await TestHTTP.get(url + "/api/v1/funnel?pipeline=orders", headers: [("Authorization", "Bearer writer-1")]).status == 401)
        #expect(try await TestHTTP.get(url + "/api/v1/funnel?pipeline=orders", headers: [("Authorization", "Bearer reader-1")]).status == 200)
        let metrics = try await TestHTTP.get(url + "/metrics", headers: [("Authorization", "Bearer reader-2")])
        #expect(metrics.status == 200)
        #expect(metrics.body.contains(#"funnel_ingest_rejected_total{reason="unauthorized"} 2"#))
        #expect(try await TestHTTP.get(url + "/-/healthy").status == 200)
        #expect(!server.standardError.contains("writer-1") && !server.standardOutput.contains("writer-1"), "tokens are never logged")
    }

    @Test func tokensFromTheEnvironment() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try FunnelProcess(
            ["serve", "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path,
            environment: ["FUNNEL_INGEST_TOKENS": "a, b"]
        )
        let url = try await Deadline.poll("the listening line") { () -> String? in
            server.standardOutput.range(of: "listening on http").map { range in
                String(server.standardOutput[server.standardOutput.index(range.upperBound, offsetBy: -4)...].prefix { $0 != "," })
            }
        }
        defer { _ = Task { try await server.stop() } }
        let body = #"{"pipeline":"o","stage":"s","outcome":"received"}"#
        #expect(try await TestHTTP.post(url + "/v1/reports", body: body).status == 401)
        #expect(try await TestHTTP.post(url + "/v1/reports", body: body, headers: [("Authorization", "Bearer b")]).status == 202)
    }

    /// A client that stops sending its body holds a request slot; with the slots full the next request gets
    /// 503 with Retry-After, and once the slot is free again requests are accepted.
    @Test func saturatedWritePathAnswers503WithRetryAfter() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write("limits:\n  max_concurrent_requests: 1\ntimeouts:\n  body: 60s\n", to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        let port = try #require(Int(url.split(separator: ":").last ?? ""))
        defer { _ = Task { try await server.stop() } }

        // The stuck request must reach the server before a probe does; if a probe got there first, the stuck
        // request itself was refused with 503 (correctly), so start it again.
        var refusedReply: TestHTTP.Reply?
        var stuck = try RawConnection(port: port)
        for _ in 0..<50 where refusedReply == nil {
            stuck.send("POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"pipeline\":")
            try await Task.sleep(for: .milliseconds(100))
            let reply = try await TestHTTP.post(url + "/v1/reports", body: #"{"pipeline":"o","stage":"s","outcome":"received"}"#)
            if reply.status == 503 {
                refusedReply = reply
            } else {
                stuck.close()
                stuck = try RawConnection(port: port)
            }
        }
        let refused = try #require(refusedReply, "no 503 while a stuck request held the only slot")
        #expect(refused.header("Retry-After") == "1")
        #expect((try refused.json() as? [String: Any])?["reason"] as? String == "overloaded")
        stuck.close()
        _ = try await Deadline.poll("a 202 once the slot is free") { () -> Bool? in
            try await TestHTTP.post(url + "/v1/reports", body: #"{"pipeline":"o","stage":"s","outcome":"received"}"#).status == 202 ? true : nil
        }
        let metrics = try await TestHTTP.get(url + "/metrics").body
        #expect(!metrics.contains(#"funnel_ingest_rejected_total{reason="overloaded"} 0"#))
    }

    /// A client that sends headers and then stalls gets 408 when the body timeout passes, and is counted.
    @Test func stuckClientsTimeOutWith408() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write("timeouts:\n  body: 1s\n", to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        let port = try #require(Int(url.split(separator: ":").last ?? ""))
        defer { _ = Task { try await server.stop() } }
        let stuck = try RawConnection(port: port)
        stuck.send("POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"pipeline\":")
        let answer = stuck.receive(timeout: .seconds(30))
        #expect(answer.hasPrefix("HTTP/1.1 408"), "stuck client: \(answer.prefix(80))")
        #expect(answer.contains("body_timeout"))
        stuck.close()
        let metrics = try await TestHTTP.get(url + "/metrics").body
        #expect(metrics.contains(#"funnel_ingest_rejected_total{reason="body_timeout"} 1"#))
    }
}

@Suite struct TLSTests {
    @Test func servesHTTPSWithTheConfiguredCertificate() async throws {
        let openssl = try RequiredTool("openssl", package: "openssl")
        let curl = try RequiredTool("curl", package: "curl")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let made = try openssl.run([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", directory.file("key.pem"), "-out", directory.file("cert.pem"),
        ])
        #expect(made.status == 0, "\(made.output)")
        let config = try directory.write("tls:\n  certificate: \(directory.file("cert.pem"))\n  key: \(directory.file("key.pem"))\n", to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        #expect(url.hasPrefix("https://127.0.0.1:"))
        let verified = try curl.run(["-sS", "--cacert", directory.file("cert.pem"), url + "/-/healthy"])
        #expect(verified.status == 0)
        #expect(verified.output == "Funnel is Healthy.\n")
        let plain = try curl.run(["-sS", "--max-time", "5", url.replacingOccurrences(of: "https://", with: "http://") + "/-/healthy"])
        #expect(plain.output != "Funnel is Healthy.\n", "plain HTTP is not served on a TLS listener")
    }
}
