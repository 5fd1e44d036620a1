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

        @Option(
            help: ArgumentHelp(
                "The Prometheus job that scrapes Funnel: the rules' up{job=...} alerts, the dashboard's preselected job. [default: funnel; the dashboard: all jobs]",
                valueName: "name"
            )
        )
        var job: String?

        @Option(
            name: .customLong("runbook-base-url"),
            help: ArgumentHelp("Where the runbooks are; each alert links to URL#alertname. [default: Funnel's Alerts/README.md on GitHub]", valueName: "url")
        )
        var runbookBaseURL: String = RuleFileGenerator.defaultRunbookBaseURL

        func validate() throws {
            if let job = self.job, job.isEmpty { throw ValidationError("--job: expected a job name, got an empty string") }
            guard !self.runbookBaseURL.isEmpty, !self.runbookBaseURL.contains(where: \.isWhitespace), !self.runbookBaseURL.contains("#") else {
                throw ValidationError("--runbook-base-url: expected a URL without spaces or #, got \(String(reflecting: self.runbookBaseURL))")
            }
        }

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
            let generator = RuleFileGenerator(
                pipelines: configuration.ledger.pipelines, alarms: configuration.alarms, job: self.options.job ?? RuleFileGenerator.defaultJob,
                runbookBaseURL: self.options.runbookBaseURL
            )
            try self.options.write(generator.render())
        }
    }

    /// `funnel generate dashboard`
    struct Dashboard: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a Grafana dashboard (JSON, for import).")

        @OptionGroup var options: Options

        func run() throws {
            let configuration = try self.options.load()
            let generator = DashboardGenerator(
                pipelines: configuration.ledger.pipelines, comparisons: configuration.comparisons, job: self.options.job,
                runbookBaseURL: self.options.runbookBaseURL
            )
            try self.options.write(generator.render())
        }
    }
}
