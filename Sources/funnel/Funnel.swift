import ArgumentParser
import FunnelCore
import FunnelTerminal

/// The `funnel` command: pipeline observability server and its tools.
@main
struct Funnel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funnel",
        abstract: "Count every pipeline stage, find where events die, and tell on-call.",
        discussion: """
            Pipeline stages report how many events they received, passed on, failed and dead-lettered.
            `funnel serve` turns those reports into per-stage silent loss, loss between stages, and
            Prometheus metrics.
            """,
        version: FunnelBuild.current.versionText,
        subcommands: [
            ServeCommand.self, CheckConfigCommand.self, EmitCommand.self, GenerateCommand.self, TopCommand.self, StatusCommand.self, WaitCommand.self,
            CompareCommand.self, DemoCommand.self,
        ],
        defaultSubcommand: nil
    )

    /// Runs the command line with SIGPIPE ignored, so a closed pipe ends a command quietly instead of killing it.
    static func main() async {
        CommandOutput.ignoreBrokenPipeSignal()
        await Self.main(nil)
    }
}
