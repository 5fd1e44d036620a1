import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `funnel serve` running as a child process on a free port with a temporary data directory.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let baseURL: String
    /// `udp://HOST:PORT` and `tcp://...` lines, when the StatsD listener was asked for.
    let statsdLine: String?

    /// Starts the server and waits (up to 20 s) for it to print where it listens.
    init(extraArguments: [String] = [], waitForStatsD: Bool = false) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("funnel-e2e-\(UUID().uuidString)").path
        self.process.executableURL = FunnelProcess.binary
        self.process.arguments = ["serve", "--listen", "127.0.0.1:0", "--data-dir", directory, "--log-level", "error"] + extraArguments
        let output = Pipe()
        self.process.standardOutput = output
        self.process.standardError = FileHandle.nullDevice
        try self.process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        func has(_ marker: String) -> Bool { text.split(separator: "\n").contains { $0.contains(marker) } }
        while Date() < deadline, !(has("listening on http://") && (!waitForStatsD || has("StatsD listening on"))) {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first(where: { $0.contains("listening on http://") }),
            let range = line.range(of: "http://")
        else {
            self.process.terminate()
            throw ServeProcessError(output: text)
        }
        self.baseURL = String(line[range.lowerBound...].prefix { $0 != "," && $0 != " " })
        self.statsdLine = text.split(separator: "\n").first { $0.contains("StatsD listening on") }.map(String.init)
    }

    /// The StatsD UDP port the server printed.
    var statsdUDPPort: Int? {
        guard let line = self.statsdLine, let range = line.range(of: "udp://") else { return nil }
        return line[range.upperBound...].prefix { $0 != " " }.split(separator: ":").last.flatMap { Int($0) }
    }

    /// Stops the server with SIGTERM and waits for it to exit.
    func stop() {
        guard self.process.isRunning else { return }
        self.process.terminate()
        self.process.waitUntilExit()
    }

    deinit { self.stop() }

    /// The counts of each stage of `pipeline`: name to [received, passed, failed, dead_lettered].
    func stages(of pipeline: String) async throws -> [String: [Int]] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(self.baseURL)/api/v1/funnel?pipeline=\(pipeline)"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok,
            let json = try JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8)) as? [String: Any],
            let stages = json["stages"] as? [[String: Any]]
        else { return [:] }
        var result: [String: [Int]] = [:]
        for stage in stages {
            guard let name = stage["name"] as? String else { continue }
            result[name] = ["received", "passed", "failed", "dead_lettered"].map { stage[$0] as? Int ?? -1 }
        }
        return result
    }
}

struct ServeProcessError: Error, CustomStringConvertible {
    var output: String
    var description: String { "funnel serve did not start; it printed: \(self.output)" }
}
