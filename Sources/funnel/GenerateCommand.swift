import ArgumentParser
import Foundation
import FunnelArtifacts
import FunnelCore
import FunnelServer
import FunnelTerminal

/// `funnel generate`: Prometheus rules and a Grafana dashboard specialised to the config's pipelines.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write Prometheus rules or a Grafana dashboard for the pipelines and comparisons declared in a config.",
        subcommands: [Rules.self, Dashboard.self]
    )

    /// Options both generators take.
    struct Options: ParsableArguments {
        @Option(help: ArgumentHelp("The configuration whose pipelines and alarms to use; none writes the generic file.", valueName: "file"))
        var config: String?

        @Option(name: [.short, .long], help: ArgumentHelp("Write here instead of standard output.", valueName: "file"))
        var output: String?

        func load() throws -> FunnelConfiguration {
            guard let config = self.config else { return FunnelConfiguration() }
            do {
                return try FunnelConfiguration(contentsOfFile: config)
            } catch {
                throw ValidationError("\(error)")
            }
        }

        func write(_ text: String) throws {
            guard let output = self.output else {
                CommandOutput.standardOutput.write(text)
                return
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: output))
        }
    }

    /// `funnel generate rules`
    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a Prometheus rule file (recording and alerting rules).")

        @OptionGroup var options: Options

        func run() throws {
            let configuration = try self.options.load()
            let generator = RuleFileGenerator(pipelines: configuration.ledger.pipelines, alarms: configuration.alarms)
            try self.options.write(generator.render())
        }
    }

    /// `funnel generate dashboard`
    struct Dashboard: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a Grafana dashboard (JSON, for import).")

        @OptionGroup var options: Options

        func run() throws {
            let configuration = try self.options.load()
            try self.options.write(DashboardGenerator(pipelines: configuration.ledger.pipelines, comparisons: configuration.comparisons).render())
        }
    }
}
