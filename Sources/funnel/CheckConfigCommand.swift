import ArgumentParser
import FunnelCore
import FunnelServer
import FunnelTerminal

/// `funnel check-config`: validates a configuration file and names the line and key of the first problem.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a YAML configuration file; exits 1 with the line and key of the first problem."
    )

    @Argument(help: ArgumentHelp("The configuration file to check.", valueName: "file"))
    var file: String

    func run() throws {
        do {
            let configuration = try FunnelConfiguration(contentsOfFile: self.file)
            let pipelines = configuration.ledger.pipelines.map { "\($0.name) (\($0.stages.count) stages)" }
            CommandOutput.standardOutput.write(
                "\(self.file): OK, \(pipelines.count) pipeline(s)\(pipelines.isEmpty ? "" : " (" + pipelines.joined(separator: ", ") + ")"), "
                    + "\(configuration.receivers.count) receiver(s), \(configuration.alarms.count) alarm(s), "
                    + "\(configuration.comparisons.count) comparison(s)\n"
            )
        } catch {
            CommandOutput.standardOutput.write("\(error)\n")
            throw ExitCode(1)
        }
    }
}
