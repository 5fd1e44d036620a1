import Foundation
import FunnelTesting

/// A server process for a test suite that stops when the test process ends, however it ends.
///
/// The command runs under `/bin/sh`, which watches the test process and a stop file: once the test process is gone
/// (or ``stop()`` creates the file) it sends the server `signal` (then `KILL` if it is still there after 10 seconds),
/// waits for it and removes `cleanup`. So a server shared by a whole suite never outlives `swift test`. (Closing a
/// pipe is no tether: every later child inherits the pipe's other end.) Children inherit the test process's blocked
/// signals, so a server that does not unblock them itself, like redis-server, needs `KILL`.
final class TetheredProcess: @unchecked Sendable {
    // @unchecked: the stored properties are set once in init; Process is only asked isRunning and waited on.
    let process: Process
    private let stopFile: String
    /// Where the server's output goes.
    let logPath: String

    /// Starts `command` (a shell command line) with `environment` added; `signal` stops it, then `cleanup` is removed.
    init(
        _ command: String, environment: [String: String] = [:], signal: String = "KILL", cleanup: String? = nil, logPath: String,
        asUser user: String? = nil
    ) throws {
        let stopFile = NSTemporaryDirectory() + "funnel-tether-\(UUID().uuidString)"
        let parent = ProcessInfo.processInfo.processIdentifier
        let removal = cleanup.map { "rm -rf '\($0)'" } ?? ":"
        let script = """
            \(command) &
            server=$!
            while [ -d /proc/\(parent) ] && [ ! -e '\(stopFile)' ] && kill -0 $server 2>/dev/null; do sleep 0.2; done
            kill -\(signal) $server 2>/dev/null
            for _ in $(seq 50); do kill -0 $server 2>/dev/null || break; sleep 0.2; done
            kill -KILL $server 2>/dev/null
            wait $server
            \(removal)
            """
        let process = Process()
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", user, "--", "/bin/sh", "-c", script]
        } else {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script]
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        self.stopFile = stopFile
        self.logPath = logPath
    }

    /// The server's output so far.
    var log: String { (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? "" }

    /// Stops the server and waits until it has exited.
    func stop() {
        if self.process.isRunning {
            _ = FileManager.default.createFile(atPath: self.stopFile, contents: nil)
            self.process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: self.stopFile)
    }

    deinit {
        self.stop()
    }
}
