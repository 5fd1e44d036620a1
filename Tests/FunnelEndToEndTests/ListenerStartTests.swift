import Foundation
import FunnelTesting
import Testing

/// What `funnel serve` settles at start: the data directory is its own, and the open-file limit is as high as allowed.
@Suite struct ListenerStartTests {
    @Test func aSecondServerOnTheSameDataDirectoryRefusesToStart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (first, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await first.stop() } }
        for attempt in 0..<3 {
            let second = try FunnelProcess(
                ["serve", "--listen", "127.0.0.1:0", "--data-dir", attempt == 2 ? "./data/" : "data"], directory: directory.path, logName: "second-\(attempt)"
            )
            #expect(try await second.waitForExit() != 0)
            let message = second.standardError + second.standardOutput
            #expect(message.contains("data"), "\(message)")
            #expect(message.contains("in use by another Funnel process (pid \(first.process.processIdentifier)"), "\(message)")
        }
        #expect(try await TestHTTP.get(url + "/-/healthy").status == 200, "the first server keeps serving")
        #expect(try await first.stop() == 0)

        let (third, _) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path, logName: "third")
        #expect(try String(contentsOfFile: directory.file("data/funnel.lock"), encoding: .utf8) == "\(third.process.processIdentifier)\n")
        #expect(try await third.stop() == 0)
    }

    @Test func aServerKilledHardLeavesNoLockBehind() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (first, _) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        _ = try await first.stop(signal: SIGKILL)
        let (second, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path, logName: "second")
        #expect(try await TestHTTP.get(url + "/-/healthy").status == 200)
        #expect(try await second.stop() == 0)
    }

    @Test func memoryDurabilityWithoutADataDirectoryTakesNoLock() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write("durability: memory\n", to: "funnel.yml")
        let (first, _) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await first.stop() } }
        let (second, _) = try await FunnelProcess.serve(
            ["--config", config, "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path, logName: "second"
        )
        #expect(try await second.stop() == 0)
    }

    /// Connections over the cap are closed and logged once per interval with their number, not once each.
    @Test func refusedConnectionsAreLoggedAtMostOncePerInterval() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write("limits:\n  max_connections: 3\ntimeouts:\n  header: 60s\n", to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let port = try #require(Int(url.split(separator: ":").last ?? ""))
        var held: [RawConnection] = []
        defer { held.forEach { $0.close() } }
        for _ in 0..<3 {
            let connection = try RawConnection(port: port)
            connection.send("GET /api/v1/alarms HTTP/1.1\r\nHost: x\r\n\r\n")
            let answer = try await BlockingCall.run { connection.receive(timeout: .seconds(20)) }
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
            held.append(connection)
        }
        var closed = 0
        for _ in 0..<25 {
            let extra = try RawConnection(port: port)
            if try await BlockingCall.run({ extra.waitForEnd(timeout: .seconds(10)) }).ended { closed += 1 }
            extra.close()
        }
        #expect(closed == 25)
        let lines = try await Deadline.poll("the refusal to be logged") { () -> [Substring]? in
            let lines = (server.standardOutput + server.standardError).split(separator: "\n").filter { $0.contains("HTTP connections refused") }
            return lines.isEmpty ? nil : lines
        }
        #expect(lines.count <= 3, "\(lines)")
        #expect(lines.first?.contains("limits.max_connections") == true)
    }

    /// Started with a soft open-file limit of 512, the server raises it to the hard limit.
    @Test func theSoftOpenFileLimitIsRaisedToTheHardLimit() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let hard = try Self.openFileLimits(of: "self").hard
        try #require(hard > 512, "the hard limit (\(hard)) leaves nothing to raise")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", #"ulimit -Sn 512 && exec "$0" serve --listen 127.0.0.1:0 --data-dir data"#, FunnelProcess.binaryPath]
        shell.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        let output = directory.file("funnel.stdout")
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        shell.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        shell.standardError = FileHandle.nullDevice
        try shell.run()
        defer { if shell.isRunning { kill(shell.processIdentifier, SIGTERM) } }
        _ = try await Deadline.poll("the server to listen") { () -> Bool? in
            ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").contains("listening on http") ? true : nil
        }
        let limits = try Self.openFileLimits(of: "\(shell.processIdentifier)")
        #expect(limits.soft == hard, "soft \(limits.soft), hard \(limits.hard)")
        #expect(limits.hard == hard)
    }

    /// The `Max open files` line of `/proc/PID/limits`.
    static func openFileLimits(of process: String) throws -> (soft: UInt64, hard: UInt64) {
        let text = try String(contentsOfFile: "/proc/\(process)/limits", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        let fields = line.dropFirst("Max open files".count).split(separator: " ")
        let parse = { (field: Substring) -> UInt64 in field == "unlimited" ? UInt64.max : UInt64(field) ?? 0 }
        return (parse(fields[0]), parse(fields[1]))
    }
}
