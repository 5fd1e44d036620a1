import ArgumentParser
import Foundation
import FunnelCore
import FunnelTerminal

/// `funnel demo`: drives a simulated pipeline against a local server so every part of `funnel top` moves.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Simulate a pipeline (ingest -> process -> deliver) against a local Funnel server.",
        discussion: """
            First replays ten minutes of history (already settled, so loss shows at once), then reports live every
            second for --duration. Each minute has calm traffic, a burst (3x traffic; process silently drops 3% and
            its latency spikes), and an outage of deliver's downstream that fills the dead-letter queue orders-dlq,
            which drains afterwards. Only talks to a server on this machine; when it requires ingest tokens, give
            one with --token or FUNNEL_INGEST_TOKEN. Try, in three terminals:

              funnel serve
              funnel demo
              funnel top
            """
    )

    @Option(name: .long, help: ArgumentHelp("Funnel server URL, on this machine. [default: $FUNNEL_SERVER or http://127.0.0.1:9470]", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("Ingest token, sent as Authorization: Bearer. [default: $FUNNEL_INGEST_TOKEN]", valueName: "token"))
    var token: String?

    @Option(name: .long, help: ArgumentHelp("Events per second entering the pipeline in calm times (1 to 100000).", valueName: "n"))
    var rate: Double = 200

    @Option(name: .long, help: ArgumentHelp("How long to run live, e.g. 30s, 5m (at most 24h).", valueName: "duration"))
    var duration: String = "60s"

    @Option(name: .long, help: ArgumentHelp("Seed of the simulation; the same seed gives the same run.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(name: .customLong("history"), help: ArgumentHelp("Minutes of history to replay first (0 for none).", valueName: "minutes"))
    var historyMinutes: Int = 10

    func validate() throws {
        guard self.rate >= 1, self.rate <= 100_000 else { throw ValidationError("--rate: expected 1 to 100000 events per second, got \(self.rate)") }
        guard let seconds = DurationText.seconds(self.duration), seconds >= 1, seconds <= 86_400 else {
            throw ValidationError("--duration: expected a duration from 1s to 24h such as 60s, got \(String(reflecting: self.duration))")
        }
        guard (0...60).contains(self.historyMinutes) else { throw ValidationError("--history: expected 0 to 60 minutes, got \(self.historyMinutes)") }
    }

    func run() async throws {
        let server = self.server ?? FunnelAPIClient.defaultServer()
        do {
            try LoopbackServer.validate(server)
        } catch {
            throw ValidationError(error.description)
        }
        let demo = DemoRun(
            client: FunnelAPIClient(baseURL: server, token: self.token ?? ProcessInfo.processInfo.environment["FUNNEL_INGEST_TOKEN"]), rate: self.rate, durationSeconds: DurationText.seconds(self.duration) ?? 60, seed: self.seed,
            historyMinutes: self.historyMinutes, log: { line in CommandOutput.standardOutput.write("funnel demo: \(line)\n") }
        )
        do {
            _ = try await demo.run()
        } catch {
            CommandOutput.standardError.write("\(error)\n")
            throw ExitCode(1)
        }
    }
}
