public import Foundation

/// A server process for a test suite that stops when the test process ends, however it ends.
///
/// The command runs under `/bin/sh`, which waits on its standard input: when the test process exits (or
/// ``stop()`` closes the pipe) the shell sends the server `signal`, waits for it, and removes `cleanup`. So a server
/// shared by a whole suite never outlives `swift test`.
public final class TetheredProcess: @unchecked Sendable {
    // @unchecked: the stored properties are set once in init; Process is only asked isRunning and waited on.
    public let process: Process
    private let tether: Pipe
    /// Where the server's output goes.
    public let logPath: String

    /// Starts `command` (a shell command line) with `environment` added; `signal` stops it, then `cleanup` is removed.
    public init(
        _ command: String, environment: [String: String] = [:], signal: String = "TERM", cleanup: String? = nil, logPath: String,
        asUser user: String? = nil
    ) throws {
        let removal = cleanup.map { "; rm -rf '\($0)'" } ?? ""
        let script = "\(command) & server=$!; cat >/dev/null; kill -\(signal) $server 2>/dev/null; wait $server\(removal)"
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
        let tether = Pipe()
        process.standardInput = tether
        try process.run()
        self.process = process
        self.tether = tether
        self.logPath = logPath
    }

    /// The server's output so far.
    public var log: String { (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? "" }

    /// Stops the server and waits until it has exited.
    public func stop() {
        try? self.tether.fileHandleForWriting.close()
        self.process.waitUntilExit()
    }

    deinit {
        self.stop()
    }
}
