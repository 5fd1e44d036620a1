import Foundation
import FunnelTesting

/// The real `funnel` binary, started as a child process, for end-to-end tests.
///
/// The binary is `FUNNEL_BINARY` if set, else `funnel` beside the test bundle (SwiftPM's build directory).
final class FunnelProcess: @unchecked Sendable {
    // @unchecked: `process` is set once in init and only read after; Foundation's Process is thread-safe for
    // terminate/isRunning/terminationStatus, which is all that is called on it.
    let process: Process
    let directory: String
    let stdoutPath: String
    let stderrPath: String

    /// Path of the funnel executable under test.
    static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["FUNNEL_BINARY"] { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("funnel").path
    }

    /// Starts `funnel` with `arguments` in `directory`; output goes to files there. `launcher` (such as
    /// `["/usr/bin/setpriv", "--reuid=65534", ...]`) runs the binary under another identity when given.
    init(_ arguments: [String], directory: String, environment: [String: String] = [:], logName: String = "funnel", launcher: [String] = []) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binaryPath) else {
            throw RequiredTool.Missing(description: "funnel binary not found at \(Self.binaryPath): run `swift build` first or set FUNNEL_BINARY")
        }
        self.directory = directory
        self.stdoutPath = directory + "/\(logName).stdout"
        self.stderrPath = directory + "/\(logName).stderr"
        _ = FileManager.default.createFile(atPath: self.stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: self.stderrPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher.first ?? Self.binaryPath)
        process.arguments = launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [Self.binaryPath] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: self.stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: self.stderrPath))
        try process.run()
        self.process = process
    }

    /// Starts `funnel serve` and waits for its "listening on" line; returns the process and its base URL.
    static func serve(
        _ arguments: [String] = [], directory: String, environment: [String: String] = [:], logName: String = "funnel"
    ) async throws -> (FunnelProcess, String) {
        let server = try FunnelProcess(["serve"] + arguments, directory: directory, environment: environment, logName: logName)
        let address = try await Deadline.poll("funnel serve to print its address (stderr: \(server.stderrPath))") { () -> String? in
            if !server.process.isRunning {
                throw RequiredTool.Missing(description: "funnel serve exited with \(server.process.terminationStatus): \(server.standardError)")
            }
            guard let range = server.standardOutput.range(of: "listening on http") else { return nil }
            let rest = server.standardOutput[server.standardOutput.index(range.upperBound, offsetBy: -4)...]
            return rest.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == " " }).first.map(String.init)
        }
        return (server, address)
    }

    var standardOutput: String { (try? String(contentsOfFile: self.stdoutPath, encoding: .utf8)) ?? "" }
    var standardError: String { (try? String(contentsOfFile: self.stderrPath, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits for the process to exit; returns its exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(15)) async throws -> Int32 {
        if self.process.isRunning { kill(self.process.processIdentifier, signal) }
        _ = try await Deadline.poll("funnel (pid \(self.process.processIdentifier)) to exit", timeout: timeout) {
            self.process.isRunning ? nil : true
        }
        return self.process.terminationStatus
    }

    /// Waits for the process to exit on its own; returns its exit status.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        _ = try await Deadline.poll("funnel to exit", timeout: timeout) { self.process.isRunning ? nil : true }
        return self.process.terminationStatus
    }

    deinit {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
    }
}
