import Foundation
import FunnelTesting
import Testing

/// A server that cannot start says what is wrong and what to do, not the failed system call.
@Suite struct StartupErrorTests {
    @Test func aListenAddressInUseNamesTheFlag() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (first, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "first"], directory: directory.path)
        defer { _ = Task { try await first.stop() } }
        let address = String(url.dropFirst("http://".count))
        let second = try FunnelProcess(["serve", "--listen", address, "--data-dir", "second"], directory: directory.path, logName: "second")
        #expect(try await second.waitForExit() != 0)
        let message = second.standardError
        #expect(message.contains("\(address) is already in use (another funnel serve?); choose another with --listen"), "\(message)")
        #expect(!message.contains("bind("), "\(message)")
        #expect(try await first.stop() == 0)
    }

    @Test func aDataDirectoryNotWritableByTheUserNamesTheUser() async throws {
        try #require(getuid() == 0, "this test runs funnel as uid 65534 through setpriv, which needs root")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        for path in [directory.path, data] { chmod(path, 0o755) }
        let server = try FunnelProcess(
            ["serve", "--listen", "127.0.0.1:0", "--data-dir", data], directory: directory.path,
            launcher: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        )
        #expect(try await server.waitForExit() != 0)
        let message = server.standardError
        #expect(message.contains("\(data): the data dir is not writable by uid 65534; make it writable by that user or choose another with --data-dir"), "\(message)")
    }

    @Test func aCorruptDatabaseNamesItsFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let database = data + "/funnel.sqlite"
        try String(repeating: "not a database ", count: 300).write(toFile: database, atomically: true, encoding: .utf8)
        let server = try FunnelProcess(["serve", "--listen", "127.0.0.1:0", "--data-dir", data], directory: directory.path)
        #expect(try await server.waitForExit() != 0)
        let message = server.standardError
        #expect(message.contains(database + ":"), "\(message)")
        #expect(!message.contains("Cocoa"), "\(message)")
    }
}
