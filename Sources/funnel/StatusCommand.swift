import ArgumentParser
import Foundation
import FunnelCore
import FunnelTerminal

/// `funnel status`: a one-shot check for scripts, chat-ops and monitoring, with Nagios-style exit codes.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print each pipeline's funnel and the active alarms once; the exit code says how things stand.",
        discussion: """
            Exit codes (Nagios style):
              0  OK: no alarm pending or firing
              1  an alarm is pending
              2  an alarm is firing
              3  UNKNOWN: the server is unreachable, answered an error, or the pipeline does not exist; with
                 several --server, one of them is down (unless an alarm fires elsewhere)

            The table is plain text without escape codes unless standard output is a terminal (and NO_COLOR is
            unset). --pipeline takes names or globs (* ? [a-z]), repeated or comma-separated; each must match a
            pipeline, else the exit is 3. --worst N keeps the N pipelines in most trouble (firing alarms, then pending,
            then the worst settled delivery ratio, then the most in flight), worst first. Only the alarms of the
            pipelines shown count. --json prints the API's funnel (GET /api/v1/funnel) as the server wrote it: one
            object for one plain --pipeline name, else an array with one per pipeline; the exit code still reflects
            the alarms. --by LABEL lists, under each pipeline that declares the label (pipelines[].labels), its ten
            worst values: settled loss, share of the pipeline's loss, delivery ratio, in flight; a pipeline that does
            not declare it says so. --label NAME:VALUE (or NAME=VALUE, repeatable, ANDed) restricts every funnel to
            the reports that carried those values and leaves out the pipelines that do not declare them.
            --server more than once (the shards of a deployment, each owning whole pipelines) shows the union of
            their pipelines and alarms, each pipeline with its server, and marks a server that does not answer as
            DOWN; --by and --label ask each pipeline's own server. When the server requires read tokens, give one
            with --token or FUNNEL_READ_TOKEN.
            When the output is closed early (funnel status | head), it stops at once with exit status 141.
            """
    )

    @OptionGroup var connection: ShardServerOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only pipelines matching this name or glob (* ? [a-z]), and their alarms; repeat it or separate with commas. [default: all]",
            valueName: "glob"
        )
    )
    var pipeline: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only the N pipelines in most trouble, worst first, and their alarms.", valueName: "n"))
    var worst: Int?

    @Option(name: .long, help: ArgumentHelp("Latency window: 1m, 5m or 1h.", valueName: "window"))
    var window: LatencyWindow = .fiveMinutes

    @Option(name: .long, help: ArgumentHelp("List each pipeline's ten worst values of this declared label (tenant, version).", valueName: "label"))
    var by: String?

    @Option(name: .long, help: ArgumentHelp("Only the reports carrying this label value, e.g. tenant:acme; repeat to AND them.", valueName: "name:value"))
    var label: [String] = []

    @Flag(name: .long, help: "Print the API's funnel JSON instead of the table.")
    var json = false

    func validate() throws {
        _ = try self.selection()
        _ = try self.labels()
        if let by, let problem = LabelRule.problem(withName: by) { throw ValidationError("--by \(String(reflecting: by)): the name \(problem)") }
    }

    func labels() throws -> [String: String] {
        do {
            return try LabelArgument.parse(self.label)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func selection() throws -> PipelineSelection {
        do {
            return try PipelineSelection(pipelines: self.pipeline, worst: self.worst)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let token = self.connection.readToken(environment: environment)
        let clients = self.connection.serverURLs(environment: environment).map { FunnelAPIClient(baseURL: $0, token: token) }
        let color = isatty(STDOUT_FILENO) == 1 && (environment["NO_COLOR"] ?? "").isEmpty
        let check = StatusCheck(clients: clients, selection: try self.selection(), window: self.window, by: self.by, labels: try self.labels())
        let outcome = await check.run(json: self.json, color: color)
        CommandOutput.standardOutput.write(outcome.standardOutput)
        CommandOutput.standardError.write(outcome.standardError)
        if outcome.verdict.exitCode != 0 { throw ExitCode(outcome.verdict.exitCode) }
    }
}
