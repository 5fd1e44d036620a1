import Foundation

/// The release `funnel serve` binary as a child process, with a throwaway data directory and a written config.
final class FunnelServe {
    let process: ChildProcess
    let http: LoopbackHTTP
    let directory: String
    /// The StatsD UDP port, when the config turned the listener on.
    let statsdPort: Int?

    /// Starts `funnel serve --config` with `durability`, raised limits, `extraYAML` appended (top-level keys), and a
    /// StatsD listener when `statsd` is true; waits until `/-/ready` answers.
    init(binary: String, durability: String, statsd: Bool = false, maximumSeries: Int = 1_000_000, extraYAML: String = "") throws(FigureError) {
        let directory = NSTemporaryDirectory() + "funnel-bench-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let port = try LoopbackHTTP.freePort()
        let statsdPort: Int? = try statsd ? LoopbackHTTP.freePort() : nil
        var yaml = """
            listen: 127.0.0.1:\(port)
            data_dir: \(directory)/data
            durability: \(durability)
            limits:
              max_series: \(maximumSeries)
              max_pipelines: 100000
              max_concurrent_requests: 64

            """
        if let statsdPort {
            yaml += """
                statsd:
                  listen: 127.0.0.1:\(statsdPort)
                  mappings:
                    - {match: "funnel.*.*.latency", match_type: timer, pipeline: "$1", stage: "$2"}
                    - {match: "funnel.*.dlq.*", match_type: gauge, pipeline: "$1", queue: "$2"}
                    - {match: "funnel.*.*.*", match_type: counter, pipeline: "$1", stage: "$2", outcome: "$3"}

                """
        }
        yaml += extraYAML
        let configPath = directory + "/funnel.yml"
        do {
            try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        } catch {
            throw FigureError("writing \(configPath): \(error)")
        }
        self.directory = directory
        self.statsdPort = statsdPort
        self.http = LoopbackHTTP(port: port)
        self.process = try ChildProcess(
            "funnel serve", executable: binary, arguments: ["serve", "--config", configPath, "--log-level", "warning"],
            logPath: directory + "/funnel.log"
        )
        try Self.waitUntilReady(self.process, self.http, path: "/-/ready")
    }

    /// Waits up to 20 seconds for `path` on `http` to answer 200 while `process` runs.
    static func waitUntilReady(_ process: ChildProcess, _ http: LoopbackHTTP, path: String) throws(FigureError) {
        let deadline = Monotonic.now + 20
        while !http.answers(path) {
            guard process.isRunning else { throw FigureError("\(process.name) exited before it was ready:\n\(process.logTail)") }
            guard Monotonic.now < deadline else {
                process.stop()
                throw FigureError("\(process.name) did not answer \(path) within 20 s:\n\(process.logTail)")
            }
            usleep(20_000)
        }
    }

    /// Posts a JSON body to `/v1/reports`; throws unless it is accepted (202).
    func post(_ body: [UInt8]) throws(FigureError) {
        let response = try self.http.request("POST", "/v1/reports", body: body)
        guard response.status == 202 else { throw FigureError("POST /v1/reports: status \(response.status): \(response.text.prefix(300))") }
    }

    /// Stops the server and removes its data directory.
    func stop() {
        self.process.stop()
        try? FileManager.default.removeItem(atPath: self.directory)
    }
}
