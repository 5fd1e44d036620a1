import Foundation

/// An external program a test needs, found on `PATH`, or an error saying how to install it.
public struct RequiredTool: Sendable {
    /// Raised when the tool is missing; the message says which package brings it.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String

        /// A missing tool or a process that would not start, said in `description`.
        public init(description: String) {
            self.description = description
        }
    }

    public let path: String

    /// Finds `name` on `PATH`; `package` is the Debian package that installs it.
    public init(_ name: String, package: String) throws {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let found = directories.map({ "\($0)/\(name)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Missing(description: "\(name) is not installed: run `apt-get install -y \(package)` (or `bash .ci/run`, which installs it)")
        }
        self.path = found
    }

    /// Runs the tool to completion with `arguments` and optional standard input; returns exit status and output.
    public func run(_ arguments: [String], input: [UInt8]? = nil, directory: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: self.path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let inputPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input))
            try inputPipe.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
