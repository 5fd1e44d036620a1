import ArgumentParser
import Foundation
import FunnelCore
import FunnelTerminal

/// `funnel wait`: blocks until a range of event time is complete, for cron, Airflow and CI jobs that must not
/// publish a partial hour.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait until a pipeline's event-time range is settled and delivered at least --threshold of what it ingested.",
        discussion: """
            Asks GET /api/v1/completeness every --interval. A range is complete when every bucket starting in
            [--from, --to) is settled (its settle_after has passed, so no count in it is still on its way) and
            delivered / ingested over those buckets is at least --threshold; a range that ingested nothing is
            complete once settled.

            Exit codes:
              0  complete: publish
              1  timed out before every bucket settled
              2  settled, but delivered below the threshold: waiting longer changes nothing
              3  the server cannot answer: no such pipeline, a range before the retention, a refused token

            An unreachable server is asked again until the timeout. Example, in a job that publishes the 10:00 hour:
              funnel wait --pipeline orders --from 2026-12-01T10:00:00Z --to 2026-12-01T11:00:00Z --timeout 2h && publish
            """
    )

    @OptionGroup var connection: ServerOptions

    @Option(help: "The pipeline.")
    var pipeline: String

    @Option(help: ArgumentHelp("Start of the range, inclusive: RFC 3339 or Unix seconds.", valueName: "time"))
    var from: String

    @Option(help: ArgumentHelp("End of the range, exclusive: RFC 3339 or Unix seconds.", valueName: "time"))
    var to: String

    @Option(help: ArgumentHelp("Delivered over ingested to reach, from 0 to 1. [default: 0.999]", valueName: "ratio"))
    var threshold: Double?

    @Option(help: ArgumentHelp("How long to wait at most, e.g. 30m, 2h.", valueName: "duration"))
    var timeout = "2h"

    @Option(help: ArgumentHelp("Time between two questions, e.g. 10s.", valueName: "duration"))
    var interval = "10s"

    func validate() throws {
        let from: Int64
        let to: Int64
        do {
            from = try TimeParameter.millis(self.from, name: "--from")
            to = try TimeParameter.millis(self.to, name: "--to")
        } catch {
            throw ValidationError(error.description)
        }
        guard from < to else { throw ValidationError("--from must be before --to") }
        if let threshold = self.threshold, !(threshold.isFinite && (0...1).contains(threshold)) {
            throw ValidationError("--threshold must be a number from 0 to 1, got \(threshold)")
        }
        _ = try Self.duration(self.timeout, "--timeout")
        _ = try Self.duration(self.interval, "--interval")
    }

    static func duration(_ text: String, _ name: String) throws -> Duration {
        guard let seconds = DurationText.seconds(text), let duration = Duration.checkedSeconds(seconds), seconds > 0 else {
            throw ValidationError("\(name) must be a duration such as 30s, 10m or 2h, got \(String(reflecting: text))")
        }
        return duration
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let client = FunnelAPIClient(
            baseURL: self.connection.serverURL(environment: environment), token: self.connection.readToken(environment: environment)
        )
        let wait = CompletenessWait(
            client: client, pipeline: self.pipeline, from: self.from, to: self.to, threshold: self.threshold,
            timeout: try Self.duration(self.timeout, "--timeout"), interval: try Self.duration(self.interval, "--interval")
        )
        let outcome = await wait.run(progress: { CommandOutput.standardError.write($0 + "\n") })
        CommandOutput.standardOutput.write(outcome.standardOutput)
        CommandOutput.standardError.write(outcome.standardError)
        if outcome.verdict != .complete { throw ExitCode(outcome.verdict.rawValue) }
    }
}
