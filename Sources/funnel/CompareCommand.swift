import ArgumentParser
import FunnelTerminal
import Foundation

/// `funnel compare NAME`: a baseline pipeline against its candidate over the buckets both have settled.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Show a comparison's two pipelines side by side, the verdict and the backfill; exit 2 when the candidate is worse.",
        discussion: """
            NAME is an entry of comparisons: in the server's configuration (GET /api/v1/comparisons lists them).
            Only buckets both pipelines have settled count, within --from and --to (RFC 3339 or Unix seconds).

            Exit codes:
              0  the candidate delivers at least the baseline's share (or nothing has settled yet)
              2  the candidate delivers a smaller share than the baseline
              3  UNKNOWN: the server is unreachable, answered an error, or has no such comparison

            --backfill prints instead the windows a backfill of the baseline would replay: contiguous settled
            buckets where the candidate delivered more than the baseline, merged, one a line as
            {"from": "...", "to": "...", "events": N} (--format ndjson, the default) or from,to,events (--format
            csv); it exits 0 unless the server cannot answer.
            """
    )

    @Argument(help: ArgumentHelp("The comparison's name.", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("Start of the event-time range (RFC 3339 or Unix seconds). [default: everything retained]", valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("End of the event-time range, exclusive. [default: everything retained]", valueName: "time"))
    var to: String?

    @Flag(help: "Print the windows to replay instead of the table.")
    var backfill = false

    @Option(help: ArgumentHelp("How --backfill writes the windows: ndjson or csv.", valueName: "format"))
    var format: ComparisonText.BackfillFormat = .ndjson

    @OptionGroup var connection: ServerOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let client = FunnelAPIClient(
            baseURL: self.connection.serverURL(environment: environment), token: self.connection.readToken(environment: environment)
        )
        let outcome = await ComparisonCheck(client: client, name: self.name, from: self.from, to: self.to).run(backfill: self.backfill ? self.format : nil)
        CommandOutput.standardOutput.write(outcome.standardOutput)
        CommandOutput.standardError.write(outcome.standardError)
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
