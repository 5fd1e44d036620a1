import Foundation
import FunnelTesting
import Testing

/// Every command that writes to standard output, piped into `head -1`: a closed pipe ends it quietly with exit
/// status 141, never a trap or a backtrace.
@Suite struct ClosedPipeTests {
    /// Runs `funnel ARGUMENTS | READER` in bash; returns funnel's exit status, what the reader printed, and
    /// funnel's stderr. With `late`, funnel starts half a second after the reader, which by then has gone: its
    /// first write meets a closed pipe however little it writes. Waits without blocking a thread, so the test
    /// process's own servers keep answering meanwhile.
    static func piped(
        _ arguments: [String], into reader: String = "head -1", late: Bool = false, in directory: TemporaryDirectory
    ) async throws -> (status: Int32, line: String, stderr: String) {
        let name = "closed-pipe-\(UUID().uuidString.prefix(8))"
        let errors = directory.file(name + ".stderr")
        let output = directory.file(name + ".stdout")
        let script = #"OUT="$1"; ERR="$2"; READER="$3"; DELAY="$4"; shift 4; { sleep "$DELAY"; exec "$@" 2>"$ERR"; } | $READER >"$OUT"; exit "${PIPESTATUS[0]}""#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script, "bash", output, errors, late ? "head -c 0" : reader, late ? "0.5" : "0", FunnelProcess.binaryPath] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        _ = try await Deadline.poll("funnel \(arguments.first ?? "") | \(reader) to end", timeout: .seconds(60)) { process.isRunning ? nil : true }
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return (process.terminationStatus, read(output), read(errors))
    }

    /// Runs `funnel ARGUMENTS` to its end, its output in a file; returns its exit status and standard output.
    static func whole(_ arguments: [String], in directory: TemporaryDirectory) async throws -> (status: Int32, stdout: String) {
        let process = try FunnelProcess(arguments, directory: directory.path, logName: "whole-\(UUID().uuidString.prefix(8))")
        let status = try await process.waitForExit(timeout: .seconds(60))
        return (status, process.standardOutput)
    }

    /// Ends quietly with 141 when the reader is gone before the first write, whatever the command writes.
    static func expectQuietEndWithoutAReader(_ arguments: [String], in directory: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let gone = try await Self.piped(arguments, late: true, in: directory)
        #expect(gone.status == 141, "\(arguments) into a closed pipe", sourceLocation: sourceLocation)
        #expect(gone.stderr.isEmpty, "\(arguments) into a closed pipe: \(gone.stderr)", sourceLocation: sourceLocation)
    }

    /// Words that only a crash writes.
    static func expectNoTrap(_ stderr: String, _ command: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for word in ["Fatal error", "Backtrace", "Crash", "Thread 0", "Illegal instruction", "Trace/breakpoint"] {
            #expect(!stderr.contains(word), "\(command): \(stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func statusTableAndJSONEndQuietlyOnTheFleet() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FleetScenario.serve(in: directory)
        defer { _ = Task { try await server.stop() } }
        // The table is more than a pipe holds, so the write is still going when head has gone; the JSON is one
        // line, which head -1 would read to its end, so it meets `head -c`.
        for (arguments, reader) in [(["status", "--server", url], "head -1"), (["status", "--server", url, "--json"], "head -c 100")] {
            let whole = try await Self.whole(arguments, in: directory)
            #expect(whole.status == 0)
            #expect(whole.stdout.utf8.count > 100_000, "\(arguments): \(whole.stdout.utf8.count) bytes")
            let piped = try await Self.piped(arguments, into: reader, in: directory)
            #expect(piped.status == 141, "\(arguments)")
            #expect(piped.stderr.isEmpty, "\(arguments): \(piped.stderr)")
            Self.expectNoTrap(piped.stderr, arguments.joined(separator: " "))
            #expect(whole.stdout.hasPrefix(piped.line), "\(arguments): the reader got the start of the output")
            try await Self.expectQuietEndWithoutAReader(arguments, in: directory)
        }
    }

    @Test func emitEndsQuietlyWhenNobodyReadsItsReplies() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let lines = (1...300).map { #"{"pipeline":"shell","stage":"job","outcome":"received","count":\#($0)}"# }.joined(separator: "\n")
        let file = try directory.write(lines + "\n", to: "reports.ndjson")
        let piped = try await Self.piped(["emit", "--server", url, "--file", file, "--batch-size", "1"], in: directory)
        #expect(piped.line == "{\"accepted\":1}\n")
        #expect(piped.status == 141)
        #expect(piped.stderr.isEmpty, "\(piped.stderr)")
        Self.expectNoTrap(piped.stderr, "emit")
        try await Self.expectQuietEndWithoutAReader(["emit", "--server", url, "--pipeline", "shell", "--stage", "job", "--outcome", "received"], in: directory)
    }

    @Test func demoEndsQuietlyAtItsNextLine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let started = ContinuousClock.now
        let piped = try await Self.piped(["demo", "--server", url, "--duration", "20s", "--history", "0"], in: directory)
        #expect(piped.line.hasPrefix("funnel demo: "))
        #expect(piped.status == 141)
        #expect(ContinuousClock.now - started < .seconds(15), "it stopped at the closed pipe, not at the end of its run")
        #expect(piped.stderr.isEmpty, "\(piped.stderr)")
        Self.expectNoTrap(piped.stderr, "demo")
        try await Self.expectQuietEndWithoutAReader(["demo", "--server", url, "--duration", "20s", "--history", "0"], in: directory)
    }

    @Test(arguments: ["rules", "dashboard"])
    func generateEndsQuietlyOnTheFleet(kind: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(FleetScenario.configuration, to: "fleet.yml")
        let arguments = ["generate", kind, "--config", config]
        let whole = try await Self.whole(arguments, in: directory)
        #expect(whole.status == 0)
        let piped = try await Self.piped(arguments, in: directory)
        #expect(piped.line == String(whole.stdout.prefix { $0 != "\n" }) + "\n")
        // What fits in the pipe (64 KiB) is written before head has gone: 0. Far more than the pipe and head's first
        // read can hold meets the closed pipe: 141. In between, it depends on how much head read before it exited.
        let bytes = whole.stdout.utf8.count
        let expected: Set<Int32> = bytes <= 65_536 ? [0] : bytes > 200_000 ? [141] : [0, 141]
        #expect(expected.contains(piped.status), "\(kind): \(bytes) bytes, exit \(piped.status)")
        #expect(piped.stderr.isEmpty, "\(piped.stderr)")
        Self.expectNoTrap(piped.stderr, "generate \(kind)")
        try await Self.expectQuietEndWithoutAReader(arguments, in: directory)
    }

    @Test func topWithoutATerminalRefusesWithoutATrap() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let piped = try await Self.piped(["top", "--server", "http://127.0.0.1:9"], in: directory)
        #expect(piped.status == 64, "a usage error, as before: \(piped.stderr)")
        #expect(piped.line.isEmpty)
        #expect(piped.stderr.contains("funnel top needs a terminal; for scripts use `funnel status`"))
        Self.expectNoTrap(piped.stderr, "top")
        let gone = try await Self.piped(["top", "--server", "http://127.0.0.1:9"], late: true, in: directory)
        #expect(gone.status == 64)
        Self.expectNoTrap(gone.stderr, "top")
    }
}
