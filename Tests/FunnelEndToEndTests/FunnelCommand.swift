import Foundation
import FunnelTesting

/// A one-shot `funnel` command run to completion with standard input, such as `funnel emit --file -`.
enum FunnelCommand {
    /// Runs `funnel ARGUMENTS`, feeding `stdin`, and returns its exit status and output.
    static func run(_ arguments: [String], stdin: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FunnelProcess.binaryPath)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let stdoutData = output.fileHandleForReading.readDataToEndOfFile()
        let stderrData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdoutData, as: UTF8.self), String(decoding: stderrData, as: UTF8.self))
    }

    /// Each stage's [received, passed, failed, dead_lettered] in `pipeline` on the server at `url`.
    static func stages(_ url: String, pipeline: String) async throws -> [String: [Int]] {
        let reply = try await TestHTTP.get("\(url)/api/v1/funnel?pipeline=\(pipeline)")
        guard reply.status == 200, let funnel = try reply.json() as? [String: Any], let stages = funnel["stages"] as? [[String: Any]] else {
            return [:]
        }
        var result: [String: [Int]] = [:]
        for stage in stages {
            guard let name = stage["name"] as? String else { continue }
            result[name] = ["received", "passed", "failed", "dead_lettered"].map { stage[$0] as? Int ?? -1 }
        }
        return result
    }
}
