import Foundation
import FunnelTesting

/// A real PostgreSQL server on a free loopback port with a throwaway data directory, for the suite's lifetime.
///
/// `initdb` and `postgres` refuse to run as root, so when the tests run as root (CI) the server runs as the
/// `postgres` user, which owns the data directory. Password authentication (scram-sha-256) is required over TCP;
/// the unix socket in the data directory trusts local connections, for setting up fixtures with `psql`.
final class PostgresProcess: Sendable {
    let port: Int
    let user: String
    let password: String
    private let socketDirectory: String
    private let binaries: String
    private let runAs: String?
    private let server: TetheredProcess

    /// Runs initdb and starts the server with superuser `user` / `password`; returns once it accepts connections.
    init(user: String = "funnel", password: String = "funnel-secret") async throws {
        let binaries = try Self.binaries()
        let runAs: String? = getuid() == 0 ? "postgres" : nil
        let directory = try TemporaryDirectory(prefix: "postgres")
        let data = directory.file("data")
        let passwordFile = try directory.write(password + "\n", to: "password")
        if let runAs {
            let (chown, chmod) = (try RequiredTool("chown", package: "coreutils"), try RequiredTool("chmod", package: "coreutils"))
            let path = directory.path
            _ = try await BlockingCall.run { try chown.run(["-R", "\(runAs):\(runAs)", path]) }
            _ = try await BlockingCall.run { try chmod.run(["755", path]) }
        }
        let initdb = try await Self.run(
            runAs, binaries + "/initdb",
            ["-D", data, "-U", user, "--pwfile=\(passwordFile)", "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-sync"]
        )
        guard initdb.status == 0 else { throw RequiredTool.Missing(description: "initdb failed: \(initdb.output)") }
        let port = try await FreePort.next()
        let command = "'\(binaries)/postgres' -D '\(data)' -p \(port) -k '\(directory.path)' -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self.server = try TetheredProcess(command, signal: "INT", cleanup: directory.path, logPath: directory.file("postgres.log"), asUser: runAs)
        self.port = port
        self.user = user
        self.password = password
        self.socketDirectory = directory.path
        self.binaries = binaries
        self.runAs = runAs
        let server = self.server
        _ = try await Deadline.poll("postgres to accept connections (log: \(directory.file("postgres.log")))") { () -> Bool? in
            guard server.process.isRunning else { throw RequiredTool.Missing(description: "postgres exited: \(server.log)") }
            return (try? await self.sql("SELECT 1")) != nil ? true : nil
        }
    }

    /// Runs SQL as the superuser over the unix socket with `psql`; returns its unaligned output.
    @discardableResult
    func sql(_ text: String, database: String = "postgres") async throws -> String {
        let result = try await Self.run(
            self.runAs, self.binaries + "/psql",
            ["-h", self.socketDirectory, "-p", String(self.port), "-U", self.user, "-d", database, "-v", "ON_ERROR_STOP=1", "-tAc", text]
        )
        guard result.status == 0 else { throw RequiredTool.Missing(description: "psql \(text) failed: \(result.output)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The newest `/usr/lib/postgresql/N/bin`, or an error saying how to install PostgreSQL.
    static func binaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        guard let version = versions.last(where: { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") }) else {
            throw RequiredTool.Missing(description: "PostgreSQL is not installed: run `apt-get install -y postgresql` (or `bash .ci/run`, which installs it)")
        }
        return "\(root)/\(version)/bin"
    }

    /// Runs `binary` to completion (as `user`, when given) on a thread of its own.
    private static func run(_ user: String?, _ binary: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        if let user {
            let runuser = try RequiredTool("runuser", package: "util-linux")
            return try await BlockingCall.run { try runuser.run(["-u", user, "--", binary] + arguments, directory: "/") }
        }
        return try await BlockingCall.run { try Self.runDirectly(binary, arguments) }
    }

    private static func runDirectly(_ binary: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
