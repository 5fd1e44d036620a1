import Foundation
import FunnelCore
import FunnelTerminal
import FunnelTesting
import Testing

/// The real `funnel top` in a real terminal (tmux) against a live `funnel serve` fed by the real `funnel demo`.
@Suite struct TopCommandTests {
    /// Starts a server and feeds it five seconds of demo traffic (after ten minutes of replayed history).
    static func servedDemo(_ directory: TemporaryDirectory) async throws -> (FunnelProcess, String) {
        let (server, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        let demo = try FunnelProcess(["demo", "--server", url, "--duration", "5s", "--rate", "100"], directory: directory.path, logName: "demo")
        let status = try await demo.waitForExit(timeout: .seconds(60))
        #expect(status == 0, "funnel demo failed: \(demo.standardError)")
        #expect(demo.standardOutput.contains("replayed 10 minutes of history"))
        return (server, url)
    }

    static func apiFunnel(_ url: String) async throws -> PipelineFunnel {
        let reply = try await TestHTTP.get(url + "/api/v1/funnel?pipeline=orders&window=5m")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(PipelineFunnel.self, from: Data(reply.body.utf8))
    }

    /// The value printed in `line` under the right-aligned column titled `title` of `header`.
    static func cell(_ line: String, under title: String, header: String) -> String? {
        guard let range = header.range(of: " " + title + " ") ?? header.range(of: " " + title) else { return nil }
        let end = header.distance(from: header.startIndex, to: range.upperBound) - (header[range].hasSuffix(" ") ? 1 : 0)
        guard line.count >= end else { return nil }
        return line.prefix(end).split(separator: " ").last.map(String.init)
    }

    /// Checks that the screen shows the API's stage names, counts and loss figures; returns nil (to retry) if not.
    static func mismatch(screen: String, api: PipelineFunnel) -> String? {
        let lines = screen.components(separatedBy: "\n")
        guard let header = lines.first(where: { $0.contains("STAGE") && $0.contains("LOST") }) else { return "no stage table yet" }
        let totals = api.totals
        for figure in ["ingested \(totals.ingested)", "delivered \(totals.delivered)", "lost \(totals.lost)", "in flight \(totals.inFlight)"]
        where !screen.contains(figure) {
            return "headline lacks \(figure)"
        }
        let stageRows = lines.filter { line in api.stages.contains { line.hasPrefix(" \($0.name) ") } }
        guard stageRows.count == api.stages.count else { return "expected \(api.stages.count) stage rows, saw \(stageRows.count)" }
        for (row, stage) in zip(stageRows, api.stages) {
            guard row.hasPrefix(" \(stage.name) ") else { return "stage order: \(row) is not \(stage.name)" }
            let expected: [(String, UInt64)] = [
                ("RECEIVED", stage.received), ("PASSED", stage.passed), ("FAILED", stage.failed), ("DEAD", stage.deadLettered),
                ("LOST", stage.lost), ("IN-FLIGHT", stage.inFlight),
            ]
            for (title, value) in expected where Self.cell(row, under: title, header: header) != String(value) {
                return "\(stage.name) \(title): screen \(Self.cell(row, under: title, header: header) ?? "nothing"), API \(value)"
            }
            if stage.lost > 0, !row.contains(NumberText.percent(stage.lossShare)) {
                return "\(stage.name) share \(NumberText.percent(stage.lossShare)) missing"
            }
        }
        let transitRows = lines.filter { $0.contains("↓ transit") }
        guard transitRows.count == api.transit.count else { return "expected \(api.transit.count) transit rows, saw \(transitRows.count)" }
        for (row, hop) in zip(transitRows, api.transit) {
            for (title, value) in [("LOST", hop.lost), ("IN-FLIGHT", hop.inFlight)] where Self.cell(row, under: title, header: header) != String(value) {
                return "transit \(hop.from)->\(hop.to) \(title): screen \(Self.cell(row, under: title, header: header) ?? "nothing"), API \(value)"
            }
        }
        return nil
    }

    @Test func topShowsTheAPIsFiguresAndQuitRestoresTheTerminal() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await Self.servedDemo(directory)
        defer { _ = Task { try await server.stop() } }
        // A second pipeline to switch to (--pipeline orders opens orders rather than the overview).
        let billing = report("charge", "received", 7, eventTime: nowMillis() - 20 * 60_000, pipeline: "billing")
        #expect(try await TestHTTP.post(url + "/v1/reports", body: billing).status == 202)

        let command = "'\(FunnelProcess.binaryPath)' top --server \(url) --pipeline orders --refresh 500ms; echo FUNNEL_TOP_EXIT=$?; stty -a; sleep 120"
        let tmux = try TmuxSession(command: command, columns: 132, rows: 40)
        defer { tmux.kill() }

        var lastProblem = ""
        let screen = try await Deadline.poll("funnel top to show the API's figures", timeout: .seconds(30), interval: .milliseconds(250)) { () -> String? in
            let before = try await Self.apiFunnel(url)
            let screen = try tmux.screen()
            let after = try await Self.apiFunnel(url)
            guard before == after else { return nil }  // a bucket settled meanwhile: look again
            if let problem = Self.mismatch(screen: screen, api: after) {
                lastProblem = problem + "\n" + screen
                return nil
            }
            return screen
        }
        #expect(!lastProblem.contains("expected"), "took a retry: \(lastProblem)")
        #expect(screen.contains("funnel top"))
        #expect(screen.contains("orders"))
        #expect(screen.contains("◀"), "the worst stage is marked")
        #expect(try tmux.display("#{alternate_on}") == "1")

        // Tab switches pipeline; w cycles the window; a smaller window (SIGWINCH) drops columns.
        try tmux.send("Tab")
        _ = try await Deadline.poll("Tab to switch to billing", timeout: .seconds(10)) { () -> Bool? in
            try tmux.screen().components(separatedBy: "\n").contains { $0.hasPrefix(" billing ") && $0.contains("ingested 7") } ? true : nil
        }
        try tmux.send("w")
        _ = try await Deadline.poll("w to switch the window to 1h", timeout: .seconds(10)) { () -> Bool? in
            try tmux.screen().contains("window 1h") ? true : nil
        }
        _ = try tmux.run(["resize-window", "-t", tmux.name, "-x", "80", "-y", "24"])
        _ = try await Deadline.poll("the screen to fit 80 columns", timeout: .seconds(10)) { () -> Bool? in
            let lines = try tmux.screen().components(separatedBy: "\n")
            let header = lines.first { $0.contains("STAGE") }
            return header.map { !$0.contains("P99") && $0.contains("P95") } == true && lines.allSatisfy { $0.count <= 80 } ? true : nil
        }

        try tmux.send("q")
        let after = try await Deadline.poll("funnel top to exit after q", timeout: .seconds(10)) { () -> String? in
            let screen = try tmux.screen()
            return screen.contains("FUNNEL_TOP_EXIT=") && screen.contains("icanon") && screen.contains("echo") ? screen : nil
        }
        #expect(after.contains("FUNNEL_TOP_EXIT=0"))
        #expect(try tmux.display("#{alternate_on}") == "0", "left the alternate screen")
        #expect(try tmux.display("#{cursor_flag}") == "1", "cursor shown again")
        // The terminal is back in cooked mode: line editing and echo on.
        #expect(after.contains(" icanon") && !after.contains("-icanon"), "\(after)")
        #expect(after.contains(" echo ") && !after.contains("-echo "), "\(after)")
        #expect(!after.contains("STAGE"), "the screen of top is gone")
    }

    @Test func unreachableServerIsShownRetriedAndSigtermRestoresTheTerminal() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try await FreePort.next()
        let pidFile = directory.file("top.pid")
        let command = "sh -c 'echo $$ > \(pidFile); exec \"\(FunnelProcess.binaryPath)\" top --server http://127.0.0.1:\(port)'; echo FUNNEL_TOP_EXIT=$?; stty -a; sleep 120"
        let tmux = try TmuxSession(command: command, columns: 80, rows: 24, environment: ["NO_COLOR": "1"])
        defer { tmux.kill() }
        let screen = try await Deadline.poll("funnel top to say the server is unreachable", timeout: .seconds(20), interval: .milliseconds(250)) { () -> String? in
            let screen = try tmux.screen()
            return screen.contains("UNREACHABLE") ? screen : nil
        }
        #expect(screen.contains("connection refused"), "\(screen)")
        #expect(screen.contains("retry #"))
        // It keeps retrying: the attempt number grows.
        _ = try await Deadline.poll("a second attempt", timeout: .seconds(40), interval: .milliseconds(250)) { () -> Bool? in
            try tmux.screen().contains("retry #2") ? true : nil
        }
        let pidText = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let pid = try #require(Int32(pidText))
        kill(pid, SIGTERM)
        let after = try await Deadline.poll("funnel top to exit on SIGTERM", timeout: .seconds(10)) { () -> String? in
            let screen = try tmux.screen()
            return screen.contains("FUNNEL_TOP_EXIT=") && screen.contains("icanon") && screen.contains("echo") ? screen : nil
        }
        #expect(after.contains("FUNNEL_TOP_EXIT=143"))
        #expect(try tmux.display("#{alternate_on}") == "0")
        #expect(after.contains(" icanon") && !after.contains("-icanon"), "\(after)")
    }

    @Test func topRefusesToRunWithoutATerminal() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let top = try FunnelProcess(["top", "--server", "http://127.0.0.1:9"], directory: directory.path)
        #expect(try await top.waitForExit() != 0)
        #expect(top.standardError.contains("funnel top needs a terminal"))
    }
}
