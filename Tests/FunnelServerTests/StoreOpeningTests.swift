import Foundation
import FunnelServer
import FunnelTesting
import Testing

/// A store that cannot be opened says which path is at fault and why.
@Suite struct StoreOpeningTests {
    @Test func aDataDirectoryThatIsAFileIsNamed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("not a directory\n", to: "data")
        #expect {
            try FunnelStore(directory: file)
        } throws: { error in
            guard let error = error as? StoreOpeningError else { return false }
            return error.path == file && error.description.hasPrefix(file + ": cannot create the data directory")
        }
    }

    @Test func aDataDirectoryThatCannotBeCreatedIsNamed() throws {
        let path = "/proc/funnel-\(UUID().uuidString)/data"
        #expect {
            try FunnelStore(directory: path)
        } throws: { error in
            guard let error = error as? StoreOpeningError else { return false }
            return error.path == path && error.description.contains("cannot create the data directory")
        }
    }

    @Test(arguments: [
        "this is not an SQLite database, only text, long enough to look like a header of a file and more",
        String(repeating: "\u{1}", count: 4096),
        "SQLite format 3\u{0}" + String(repeating: "\u{7F}", count: 200),
    ])
    func aCorruptDatabaseFileIsNamed(content: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try directory.write(content, to: "funnel.sqlite")
        #expect {
            try FunnelStore(directory: directory.path)
        } throws: { error in
            guard let error = error as? StoreOpeningError else { return false }
            return error.path.hasSuffix("/funnel.sqlite") && error.description.contains(database)
        }
    }

    @Test func storesOfOneProcessShareTheDirectoryLock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try FunnelStore(directory: directory.path)
        let second = try FunnelStore(directory: directory.path)
        #expect(first.path == second.path)
        let pid = try String(contentsOfFile: directory.file("funnel.lock"), encoding: .utf8)
        #expect(pid == "\(ProcessInfo.processInfo.processIdentifier)\n")
    }

    @Test func memoryDurabilityTakesNoLock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try FunnelStore(directory: directory.file("data"), durability: .memory)
        #expect(!FileManager.default.fileExists(atPath: directory.file("data/funnel.lock")))
    }
}
