import Foundation

/// `wrk` (Debian package) posting fixed bodies over keep-alive connections, with its output parsed.
///
/// wrk is C with a static request: at 16 connections it needs far less CPU per request than a Swift client would,
/// which matters when the server and the load share 2 cores.
struct WrkLoad {
    /// What one wrk run measured.
    struct Run {
        var requests = 0
        var non2xx = 0
        var socketErrors = 0
        var seconds = 0.0
        var p50Millis = 0.0
        var p99Millis = 0.0
        var acceptedPerSecond: Double { Double(self.requests - self.non2xx) / self.seconds }
    }

    let directory: String

    /// Posts `body` to `http://127.0.0.1:port/path` with `connections` keep-alive connections for `seconds`.
    func post(port: Int, path: String, body: [UInt8], contentType: String, connections: Int, seconds: Int) throws(FigureError) -> Run {
        try self.post(port: port, path: path, bodies: [body], contentType: contentType, connections: connections, seconds: seconds)
    }

    /// Posts `bodies` in turn (each connection cycles through them; one body is wrk's static request) to
    /// `http://127.0.0.1:port/path` with `connections` keep-alive connections for `seconds`.
    func post(port: Int, path: String, bodies: [[UInt8]], contentType: String, connections: Int, seconds: Int) throws(FigureError) -> Run {
        let tag = UUID().uuidString.prefix(8)
        let bodyPaths = bodies.indices.map { self.directory + "/wrk-body-\(tag)-\($0)" }
        let scriptPath = self.directory + "/wrk-\(tag).lua"
        var script = """
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "\(contentType)"

            """
        if bodies.count == 1 {
            script += """
                local file = io.open("\(bodyPaths[0])", "rb")
                wrk.body = file:read("*a")
                file:close()

                """
        } else {
            script += """
                local requests = {}
                for index, path in ipairs({\(bodyPaths.map { "\"\($0)\"" }.joined(separator: ", "))}) do
                    local file = io.open(path, "rb")
                    requests[index] = wrk.format(nil, nil, nil, file:read("*a"))
                    file:close()
                end
                local turn = 0
                request = function()
                    turn = turn % #requests + 1
                    return requests[turn]
                end

                """
        }
        do {
            for (body, bodyPath) in zip(bodies, bodyPaths) { try Data(body).write(to: URL(fileURLWithPath: bodyPath)) }
            try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        } catch {
            throw FigureError("writing wrk files in \(self.directory): \(error)")
        }
        defer {
            for bodyPath in bodyPaths { try? FileManager.default.removeItem(atPath: bodyPath) }
            try? FileManager.default.removeItem(atPath: scriptPath)
        }
        let logPath = self.directory + "/wrk-\(tag).out"
        let threads = min(connections, 2)
        let wrk = try ChildProcess(
            "wrk", executable: "/usr/bin/wrk",
            arguments: ["-t", "\(threads)", "-c", "\(connections)", "-d", "\(seconds)s", "--timeout", "30s", "--latency", "-s", scriptPath, "http://127.0.0.1:\(port)\(path)"],
            logPath: logPath
        )
        try wrk.waitForExit(timeout: Double(seconds) + 60)
        let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: logPath)
        return try Self.parse(output)
    }

    /// Reads requests, non-2xx responses, duration and latency percentiles from wrk's report.
    static func parse(_ output: String) throws(FigureError) -> Run {
        var run = Run()
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            if line.contains("requests in") {
                // "  12345 requests in 5.00s, 1.23MB read"
                run.requests = Int(words[0]) ?? 0
                if let index = words.firstIndex(of: "in"), index + 1 < words.count {
                    run.seconds = Self.seconds(String(words[index + 1].trimmingCharacters(in: CharacterSet(charactersIn: ","))))
                }
            } else if line.contains("Non-2xx or 3xx responses:") {
                run.non2xx = Int(words.last ?? "0") ?? 0
            } else if line.contains("Socket errors:") {
                run.socketErrors = words.compactMap { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }.reduce(0, +)
            } else if words.count == 2 && words[0] == "50%" {
                run.p50Millis = Self.seconds(String(words[1])) * 1000
            } else if words.count == 2 && words[0] == "99%" {
                run.p99Millis = Self.seconds(String(words[1])) * 1000
            }
        }
        guard run.seconds > 0 else { throw FigureError("could not read wrk's report:\n\(output.prefix(800))") }
        return run
    }

    /// Seconds from a wrk duration such as `812.00us`, `1.23ms`, `5.00s` or `1.50m`.
    static func seconds(_ text: String) -> Double {
        for (suffix, scale) in [("us", 1e-6), ("ms", 1e-3), ("m", 60.0), ("s", 1.0)] where text.hasSuffix(suffix) {
            return (Double(text.dropLast(suffix.count)) ?? 0) * scale
        }
        return Double(text) ?? 0
    }
}
