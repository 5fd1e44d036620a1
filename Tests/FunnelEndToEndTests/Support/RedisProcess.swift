import Foundation
import FunnelTesting

/// A real `redis-server` on a free loopback port with a throwaway directory, without persistence.
final class RedisProcess: Sendable {
    let port: Int
    let password: String?
    private let server: TetheredProcess
    private let cli: RequiredTool

    /// Starts Redis, requiring `password` when one is given, and returns once it answers `PING`.
    init(password: String? = nil) async throws {
        let binary = try RequiredTool("redis-server", package: "redis-server")
        self.cli = try RequiredTool("redis-cli", package: "redis-tools")
        let directory = try TemporaryDirectory(prefix: "redis")
        let port = try await FreePort.next()
        var command = "'\(binary.path)' --port \(port) --bind 127.0.0.1 --save '' --appendonly no --dir '\(directory.path)'"
        if let password { command += " --requirepass '\(password)'" }
        self.server = try TetheredProcess(command, cleanup: directory.path, logPath: directory.file("redis.log"))
        self.port = port
        self.password = password
        let server = self.server
        _ = try await Deadline.poll("redis-server to answer PING (log: \(directory.file("redis.log")))") { () -> Bool? in
            guard server.process.isRunning else { throw RequiredTool.Missing(description: "redis-server exited: \(server.log)") }
            return try await self.command(["PING"]).contains("PONG") ? true : nil
        }
    }

    /// Runs one command with `redis-cli` and returns its raw output.
    @discardableResult
    func command(_ arguments: [String]) async throws -> String {
        var options = ["-h", "127.0.0.1", "-p", String(self.port), "--no-auth-warning"]
        if let password = self.password { options += ["-a", password] }
        let cli = self.cli
        let all = options + arguments
        let result = try await BlockingCall.run { try cli.run(all) }
        guard result.status == 0 else { throw RequiredTool.Missing(description: "redis-cli \(arguments.joined(separator: " ")) failed: \(result.output)") }
        return result.output
    }
}
