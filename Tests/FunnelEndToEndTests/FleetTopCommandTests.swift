import Foundation
import FunnelCore
import FunnelTesting
import Testing

/// The real `funnel top` in tmux on issue 27's fleet: the overview, the `/` picker, a tie, hidden hops and scrolling.
@Suite struct FleetTopCommandTests {
    static func screen(_ tmux: TmuxSession, _ what: String, timeout: Duration = .seconds(20), until done: (String) -> Bool) async throws -> String {
        var last = ""
        do {
            return try await Deadline.poll(what, timeout: timeout, interval: .milliseconds(200)) { () -> String? in
                let screen = try tmux.screen()
                last = screen
                return done(screen) ? screen : nil
            }
        } catch {
            Issue.record("\(what): the screen was\n\(last)")
            throw error
        }
    }

    static func totals(_ url: String, _ pipeline: String) async throws -> FunnelTotals {
        let reply = try await TestHTTP.get(url + "/api/v1/funnel?pipeline=\(pipeline)&window=5m")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(PipelineFunnel.self, from: Data(reply.body.utf8)).totals
    }

    @Test func overviewPickerTieAndScrollingAt80x24() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FleetScenario.serve(in: directory)
        defer { _ = Task { try await server.stop() } }
        let command = "'\(FunnelProcess.binaryPath)' top --server \(url) --refresh 500ms; echo FUNNEL_TOP_EXIT=$?; sleep 120"
        let tmux = try TmuxSession(command: command, columns: 80, rows: 24, environment: ["NO_COLOR": "1"])
        defer { tmux.kill() }
        let chosen = FleetScenario.name(19)

        // Thirty pipelines and none asked for: the overview, the worst delivery under the cursor.
        let overview = try await Self.screen(tmux, "the overview, worst first") { screen in
            screen.contains("PIPELINES 30 pipelines") && screen.contains("▶ tenant-07-")
        }
        #expect(overview.contains("rows 1-"), "thirty rows do not fit 24 lines: the list scrolls")
        #expect(overview.components(separatedBy: "\n").allSatisfy { $0.count <= 80 })

        // `/` and a few letters find one pipeline among thirty; Enter opens it.
        try tmux.send("/")
        try tmux.send("-l", "tenant-19")
        _ = try await Self.screen(tmux, "the search to keep one pipeline") { screen in
            screen.contains("/ tenant-19") && screen.contains("1 of 30 match") && screen.contains("▶ tenant-19-")
        }
        try tmux.send("Enter")
        let totals = try await Self.totals(url, chosen)
        let opened = try await Self.screen(tmux, "tenant-19's screen with its headline numbers") { screen in
            let lines = screen.components(separatedBy: "\n")
            return lines.contains { line in
                line.hasPrefix(" tenant-19-") && line.contains("ingested \(totals.ingested)") && line.contains("delivered \(totals.delivered)")
                    && line.contains("lost \(totals.lost)")
            }
        }
        #expect(opened.contains("STAGE"))

        // Back to the overview: the worst pipeline is one Enter away; its twelve stages tie and its hops are summed up.
        try tmux.send("o")
        _ = try await Self.screen(tmux, "the overview again") { $0.contains("▶ tenant-07-") }
        try tmux.send("Enter")
        let tied = try await Self.screen(tmux, "tenant-07's tie and hidden hops") { screen in
            screen.contains("= 12 stages tie for most lost (2 each)") && screen.contains("… 11 transit hops hidden: 11 lost")
        }
        #expect(!tied.contains("◀"), "no single place is marked where most events die")
        #expect(tied.contains("lost 35"))
        #expect(tied.components(separatedBy: "\n").filter { $0.hasPrefix(" stage-") }.count == 12)

        // A shorter terminal: the table scrolls with j/k and PgDn/PgUp.
        _ = try tmux.run(["resize-window", "-t", tmux.name, "-x", "80", "-y", "16"])
        let short = try await Self.screen(tmux, "the table to scroll at 80x16") { $0.contains("rows 1-") && $0.contains("of 12") }
        #expect(short.contains(" stage-00-"))
        try tmux.send("j")
        let down = try await Self.screen(tmux, "j to scroll a row") { $0.contains("rows 2-") }
        #expect(!down.contains(" stage-00-"))
        try tmux.send("NPage")
        let paged = try await Self.screen(tmux, "PgDn to reach the last stage") { $0.contains(" stage-11-") && $0.contains("-12 of 12") }
        #expect(!paged.contains(" stage-01-"))
        try tmux.send("PPage")
        try tmux.send("k")
        _ = try await Self.screen(tmux, "PgUp and k to come back to the top") { $0.contains("rows 1-") && $0.contains(" stage-00-") }

        try tmux.send("q")
        let after = try await Self.screen(tmux, "funnel top to exit after q", timeout: .seconds(10)) { $0.contains("FUNNEL_TOP_EXIT=") }
        #expect(after.contains("FUNNEL_TOP_EXIT=0"))
    }
}
