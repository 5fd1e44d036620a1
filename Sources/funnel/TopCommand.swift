import ArgumentParser
import Foundation
import FunnelCore
import FunnelTerminal

/// `funnel top`: the on-call screen.
struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Full-screen live view of a pipeline: where events die, alarms, DLQ depths.",
        discussion: """
            One row per stage: a funnel bar (received vs passed), rate, failed, dead-lettered, silent loss and its
            share of the pipeline's loss (◀ marks the worst), in flight, p50/p95/p99 latency; transit loss between
            stages; dead-letter queue depths with a trend; firing (red) and pending (yellow) alarms at the top.

            Several pipelines and no --pipeline: it opens on the overview, most trouble first (Enter opens one).
            Keys: q quit · Tab / ← → switch pipeline · j k ↑ ↓ PgUp PgDn scroll the stage table · o overview ·
            / search pipelines · w cycle the latency window · ? help.
            Colours are off when NO_COLOR is set. If the server cannot be reached, the screen keeps the last
            data, shows its age, and retries. --server more than once (the shards of a deployment, each owning whole
            pipelines) shows the union of their pipelines, and a red DOWN line for a server that does not answer. When the server requires read tokens, give one with --token
            or FUNNEL_READ_TOKEN.
            """
    )

    @OptionGroup var connection: ShardServerOptions

    @Option(name: .long, help: ArgumentHelp("Pipeline to show first. [default: the server's first]", valueName: "name"))
    var pipeline: String?

    @Option(name: .long, help: ArgumentHelp("Latency window: 1m, 5m or 1h.", valueName: "window"))
    var window: LatencyWindow = .fiveMinutes

    @Option(name: .long, help: ArgumentHelp("How often to ask the server, e.g. 500ms, 1s, 5s.", valueName: "duration"))
    var refresh: String = "1s"

    func validate() throws {
        guard let seconds = DurationText.seconds(self.refresh), seconds >= 0.1, seconds <= 3600 else {
            throw ValidationError("--refresh: expected a duration from 100ms to 1h such as 1s, got \(String(reflecting: self.refresh))")
        }
    }

    func run() async throws {
        let terminal = TerminalDevice()
        guard terminal.isInteractive else {
            throw ValidationError("funnel top needs a terminal; for scripts use `funnel status` (or `funnel status --json`)")
        }
        let environment = ProcessInfo.processInfo.environment
        let options = TopOptions(
            servers: self.connection.serverURLs(environment: environment), pipeline: self.pipeline, window: self.window,
            refreshSeconds: DurationText.seconds(self.refresh) ?? 1, color: environment["NO_COLOR"].map(\.isEmpty) ?? true,
            token: self.connection.readToken(environment: environment)
        )
        let code = try await TopSession(options: options, terminal: terminal).run()
        if code != 0 { throw ExitCode(code) }
    }
}
