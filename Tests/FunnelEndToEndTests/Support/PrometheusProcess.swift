import Foundation
import FunnelTesting

/// A real Prometheus server scraping a target every second, started for one test and queried over its HTTP API.
final class PrometheusProcess: @unchecked Sendable {
    // @unchecked: all stored properties are immutable after init; Process is only asked isRunning and signalled.
    let process: Process
    let baseURL: String
    let directory: TemporaryDirectory

    /// Starts Prometheus scraping `target` (HOST:PORT) as job `job`, with optional rule files.
    convenience init(scraping target: String, ruleFiles: [String] = [], job: String = "funnel") async throws {
        try await self.init(scrapingAll: [target], ruleFiles: ruleFiles, job: job)
    }

    /// Starts Prometheus scraping every one of `targets` (HOST:PORT) as instances of job `job`.
    init(scrapingAll targets: [String], ruleFiles: [String] = [], job: String = "funnel") async throws {
        let binary = try RequiredTool("prometheus", package: "prometheus")
        let directory = try TemporaryDirectory(prefix: "prometheus")
        let port = try await FreePort.next()
        let rules = ruleFiles.isEmpty ? "" : "rule_files:\n" + ruleFiles.map { "  - \($0)\n" }.joined()
        let config = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            \(rules)scrape_configs:
              - job_name: \(job)
                static_configs:
                  - targets: [\(targets.map { "'\($0)'" }.joined(separator: ", "))]

            """
        let configPath = try directory.write(config, to: "prometheus.yml")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary.path)
        process.arguments = [
            "--config.file=\(configPath)", "--storage.tsdb.path=\(directory.file("data"))",
            "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
        ]
        let log = directory.file("prometheus.log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = process.standardOutput
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        self.directory = directory
        self.baseURL = "http://127.0.0.1:\(port)"
        _ = try await Deadline.poll("prometheus to become ready (log: \(log))") { () -> Bool? in
            guard process.isRunning else {
                throw RequiredTool.Missing(description: "prometheus exited: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            }
            return try await TestHTTP.get(self.baseURL + "/-/ready").status == 200 ? true : nil
        }
    }

    /// One sample of an instant-query result: its labels and value.
    struct Sample: Sendable {
        var labels: [String: String]
        var value: Double
    }

    /// Runs an instant query, now or at `time` (Unix seconds), and returns the vector result (a scalar comes back as
    /// one unlabelled sample).
    func query(_ expression: String, at time: Double? = nil) async throws -> [Sample] {
        var components = URLComponents(string: self.baseURL + "/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: expression)] + (time.map { [URLQueryItem(name: "time", value: String($0))] } ?? [])
        // URLComponents leaves `+` alone, but a query string's `+` means a space: `a + b` would arrive as `a   b`.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        let reply = try await TestHTTP.get(components.url!.absoluteString)
        guard reply.status == 200, let json = try reply.json() as? [String: Any], let data = json["data"] as? [String: Any] else {
            throw RequiredTool.Missing(description: "prometheus query \(expression) failed: \(reply.status) \(reply.body)")
        }
        if data["resultType"] as? String == "scalar", let pair = data["result"] as? [Any], let text = pair.last as? String {
            return [Sample(labels: [:], value: Double(text) ?? .nan)]
        }
        let results = data["result"] as? [[String: Any]] ?? []
        return results.map { result in
            let value = (result["value"] as? [Any])?.last as? String
            return Sample(labels: result["metric"] as? [String: String] ?? [:], value: value.flatMap(Double.init) ?? .nan)
        }
    }

    /// One alert of `GET /api/v1/alerts`: its labels, annotations, state (`pending` or `firing`) and value.
    struct Alert: Sendable {
        var labels: [String: String]
        var annotations: [String: String]
        var state: String
        var value: Double
    }

    /// `GET /api/v1/alerts`: every pending or firing alert.
    func alerts() async throws -> [Alert] {
        let reply = try await TestHTTP.get(self.baseURL + "/api/v1/alerts")
        guard reply.status == 200, let json = try reply.json() as? [String: Any], let data = json["data"] as? [String: Any] else {
            throw RequiredTool.Missing(description: "prometheus /api/v1/alerts failed: \(reply.status) \(reply.body)")
        }
        return (data["alerts"] as? [[String: Any]] ?? []).map { alert in
            Alert(
                labels: alert["labels"] as? [String: String] ?? [:], annotations: alert["annotations"] as? [String: String] ?? [:],
                state: alert["state"] as? String ?? "", value: (alert["value"] as? String).flatMap(Double.init) ?? .nan
            )
        }
    }

    /// `GET /api/v1/rules`: every rule's name, health and last error, by group.
    func ruleHealth() async throws -> [(group: String, rule: String, health: String, error: String)] {
        let reply = try await TestHTTP.get(self.baseURL + "/api/v1/rules")
        guard reply.status == 200, let json = try reply.json() as? [String: Any], let data = json["data"] as? [String: Any] else {
            throw RequiredTool.Missing(description: "prometheus /api/v1/rules failed: \(reply.status) \(reply.body)")
        }
        var rules: [(group: String, rule: String, health: String, error: String)] = []
        for group in data["groups"] as? [[String: Any]] ?? [] {
            for rule in group["rules"] as? [[String: Any]] ?? [] {
                rules.append((group["name"] as? String ?? "", rule["name"] as? String ?? "", rule["health"] as? String ?? "", rule["lastError"] as? String ?? ""))
            }
        }
        return rules
    }

    deinit {
        if self.process.isRunning {
            kill(self.process.processIdentifier, SIGKILL)
            self.process.waitUntilExit()
        }
        self.directory.remove()
    }
}
