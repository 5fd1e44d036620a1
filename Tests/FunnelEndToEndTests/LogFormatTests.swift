import Foundation
import FunnelTesting
import Testing

/// Each `--log-format` of the real `funnel serve`, read back line by line; the request log never shows a token or a
/// webhook URL.
@Suite struct LogFormatTests {
    static let token = "ingest-s3cret-token"
    static let hookPath = "hook-s3cret-path"

    /// Runs a server in `format`, makes a few requests and stops it; returns its standard error.
    static func logs(format: String) async throws -> String {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(
            """
            data_dir: \(directory.file("data"))
            ingest_tokens: [\(Self.token)]
            receivers:
              - name: oncall
                type: generic
                url: http://127.0.0.1:9/\(Self.hookPath)
            """,
            to: "funnel.yml"
        )
        let (server, url) = try await FunnelProcess.serve(
            ["--config", config, "--listen", "127.0.0.1:0", "--log-format", format, "--log-level", "debug"], directory: directory.path
        )
        defer { _ = Task { try await server.stop() } }
        let report = #"{"pipeline":"orders","stage":"api","outcome":"received","count":3}"#
        #expect(try await TestHTTP.post(url + "/v1/reports", body: report, headers: [("Authorization", "Bearer \(Self.token)")]).status == 202)
        #expect(try await TestHTTP.post(url + "/v1/reports", body: report, headers: [("Authorization", "Bearer wrong-\(Self.token)")]).status == 401)
        #expect(try await TestHTTP.get(url + "/api/v1/funnel?pipeline=orders&token=\(Self.token)").status == 200)
        #expect(try await TestHTTP.get(url + "/no/such/page").status == 404)
        #expect(try await server.stop() == 0)
        let logs = server.standardError
        #expect(!logs.contains(Self.token), "a token was logged:\n\(logs)")
        #expect(!logs.contains(Self.hookPath), "a webhook URL was logged:\n\(logs)")
        return logs
    }

    static func lines(_ logs: String) -> [Substring] {
        logs.split(separator: "\n", omittingEmptySubsequences: true)
    }

    @Test func jsonLinesParseWithAJSONParserAndCarryTheRequestLog() async throws {
        let logs = try await Self.logs(format: "json")
        var requests: [[String: Any]] = []
        for line in Self.lines(logs) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
            #expect((object["ts"] as? String)?.hasSuffix("Z") == true, "\(line)")
            #expect(["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(object["level"] as? String ?? ""), "\(line)")
            #expect(object["msg"] is String, "\(line)")
            if object["msg"] as? String == "request" { requests.append(object) }
        }
        let byPath = Dictionary(requests.map { ($0["path"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        let missing = try #require(byPath["/no/such/page"])
        #expect(missing["status"] as? String == "404")
        #expect(missing["level"] as? String == "info")
        #expect(missing["method"] as? String == "GET")
        #expect((missing["remote"] as? String)?.hasPrefix("127.0.0.1:") == true)
        #expect(Double(missing["duration_seconds"] as? String ?? "") != nil)
        let ingest = try #require(requests.first { $0["path"] as? String == "/v1/reports" && $0["status"] as? String == "202" })
        #expect(ingest["level"] as? String == "debug")
        #expect(ingest["bytes"] as? String == "14", "{\"accepted\":1}")
        #expect(requests.contains { $0["path"] as? String == "/v1/reports" && $0["status"] as? String == "401" && $0["level"] as? String == "info" })
        #expect(byPath["/api/v1/funnel?pipeline=orders&token=REDACTED"]?["status"] as? String == "200")
    }

    @Test func logfmtLinesHaveTimeLevelMessageAndFields() async throws {
        let logs = try await Self.logs(format: "logfmt")
        var requests: [[String: String]] = []
        for line in Self.lines(logs) {
            let fields = try #require(Self.logfmt(line), "not logfmt: \(line)")
            #expect(fields["ts"]?.hasSuffix("Z") == true, "\(line)")
            #expect(fields["level"] != nil && fields["msg"] != nil, "\(line)")
            if fields["msg"] == "request" { requests.append(fields) }
        }
        let missing = try #require(requests.first { $0["path"] == "/no/such/page" })
        #expect(missing["status"] == "404")
        #expect(missing["method"] == "GET")
        #expect(requests.contains { $0["path"] == "/v1/reports" && $0["status"] == "202" })
    }

    @Test func textLinesStartWithTimeAndLevel() async throws {
        let logs = try await Self.logs(format: "text")
        let pattern = try Regex(#"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (trace|debug|info|notice|warning|error|critical) \S"#)
        for line in Self.lines(logs) {
            #expect(line.firstMatch(of: pattern) != nil, "\(line)")
        }
        #expect(Self.lines(logs).contains { $0.contains(" info request ") && $0.contains("path=/no/such/page") && $0.contains("status=404") })
    }

    /// The fields of a logfmt line (`key=value` or `key="quoted \" value"`), or nil when it is not one.
    static func logfmt(_ line: Substring) -> [String: String]? {
        var fields: [String: String] = [:]
        var rest = line[...]
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "="), !rest[..<equals].contains(" ") else { return nil }
            let key = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var closed = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped {
                        value.append(character == "n" ? "\n" : character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { return nil }
            } else {
                let end = rest.firstIndex(of: " ") ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            fields[key] = value
            guard rest.isEmpty || rest.first == " " else { return nil }
            rest = rest.drop { $0 == " " }
        }
        return fields.isEmpty ? nil : fields
    }
}
