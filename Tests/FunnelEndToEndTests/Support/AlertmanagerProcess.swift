import Foundation
import FunnelTesting

/// A real Alertmanager (Debian's `prometheus-alertmanager`), not clustered, started for one test with one webhook
/// receiver behind it, and asked over its v2 API.
///
/// Groups by `pipeline` with short `group_wait` and `group_interval`, so tests see its notifications within a second.
final class AlertmanagerProcess: @unchecked Sendable {
    // @unchecked: all stored properties are immutable after init; Process is only asked isRunning and signalled.
    let process: Process
    let baseURL: String
    let directory: TemporaryDirectory
    let logPath: String

    /// Starts Alertmanager sending every notification (and resolutions) to `webhook`; `resolveTimeout` is
    /// `global.resolve_timeout`, `inhibitRules` YAML list items under `inhibit_rules:`.
    init(webhook: String, resolveTimeout: String = "5m", groupBy: [String] = ["pipeline"], inhibitRules: String = "") async throws {
        let binary = try RequiredTool("prometheus-alertmanager", package: "prometheus-alertmanager")
        let directory = try TemporaryDirectory(prefix: "alertmanager")
        let port = try await FreePort.next()
        let config = """
            global:
              resolve_timeout: \(resolveTimeout)
            route:
              receiver: capture
              group_by: [\(groupBy.joined(separator: ", "))]
              group_wait: 100ms
              group_interval: 300ms
              repeat_interval: 1h
            receivers:
              - name: capture
                webhook_configs:
                  - url: \(webhook)
                    send_resolved: true
            inhibit_rules:\(inhibitRules.isEmpty ? " []" : "\n" + inhibitRules)

            """
        let configPath = try directory.write(config, to: "alertmanager.yml")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary.path)
        process.arguments = [
            "--config.file=\(configPath)", "--storage.path=\(directory.file("data"))",
            "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level=warn",
        ]
        let log = directory.file("alertmanager.log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = process.standardOutput
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        self.directory = directory
        self.logPath = log
        self.baseURL = "http://127.0.0.1:\(port)"
        _ = try await Deadline.poll("alertmanager to become ready (log: \(log))") { () -> Bool? in
            guard process.isRunning else {
                throw RequiredTool.Missing(description: "prometheus-alertmanager exited: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            }
            return try await TestHTTP.get(self.baseURL + "/-/ready").status == 200 ? true : nil
        }
    }

    /// The alerts Alertmanager holds (active, silenced and inhibited ones), as `GET /api/v2/alerts` lists them.
    func alerts() async throws -> [[String: Any]] {
        let reply = try await TestHTTP.get(self.baseURL + "/api/v2/alerts")
        guard reply.status == 200, let alerts = try reply.json() as? [[String: Any]] else {
            throw RequiredTool.Missing(description: "alertmanager GET /api/v2/alerts answered \(reply.status): \(reply.body)")
        }
        return alerts
    }

    /// The alert whose `alertname` is `name`, if Alertmanager holds it.
    func alert(named name: String) async throws -> [String: Any]? {
        try await self.alerts().first { ($0["labels"] as? [String: String])?["alertname"] == name }
    }

    /// Creates a silence of an hour through the API, matching each label exactly; returns its id.
    func silence(_ matchers: [String: String]) async throws -> String {
        let now = Date()
        let formatter = ISO8601DateFormatter()
        let silence: [String: Any] = [
            "matchers": matchers.map { ["name": $0.key, "value": $0.value, "isRegex": false, "isEqual": true] },
            "startsAt": formatter.string(from: now.addingTimeInterval(-1)),
            "endsAt": formatter.string(from: now.addingTimeInterval(3600)),
            "createdBy": "funnel-tests",
            "comment": "silenced by a test",
        ]
        let body = String(decoding: try JSONSerialization.data(withJSONObject: silence), as: UTF8.self)
        let reply = try await TestHTTP.post(self.baseURL + "/api/v2/silences", body: body)
        guard reply.status == 200, let id = (try reply.json() as? [String: Any])?["silenceID"] as? String else {
            throw RequiredTool.Missing(description: "alertmanager POST /api/v2/silences answered \(reply.status): \(reply.body)")
        }
        return id
    }

    /// Kills Alertmanager at once (SIGKILL), as a member of a cluster dies, and waits for it to exit.
    func kill() {
        guard self.process.isRunning else { return }
        Foundation.kill(self.process.processIdentifier, SIGKILL)
        self.process.waitUntilExit()
    }

    /// Alertmanager's output so far.
    var log: String { (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? "" }

    deinit {
        self.kill()
        self.directory.remove()
    }
}
