import Foundation
import FunnelTesting
import Testing

/// `funnel generate rules` on a configuration, then `promtool check rules` and `promtool test rules` on what it wrote.
enum GeneratedRuleCheck {
    /// Generates the rules of `config` (runbooks under `https://runbooks.example.com/funnel`), checks them, runs
    /// `unitTests` (which read `rules.yml`) against them, and returns the rule file's text.
    static func run(config: String, unitTests: String) throws -> String {
        let promtool = try RequiredTool("promtool", package: "prometheus")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configPath = try directory.write(config, to: "funnel.yml")
        let rules = directory.file("rules.yml")
        let result = try FunnelCommand.run([
            "generate", "rules", "--config", configPath, "--output", rules, "--runbook-base-url", "https://runbooks.example.com/funnel",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let check = try promtool.run(["check", "rules", rules])
        #expect(check.status == 0, "\(check.output)")
        _ = try directory.write(unitTests, to: "rules.test.yml")
        let test = try promtool.run(["test", "rules", "rules.test.yml"], directory: directory.path)
        #expect(test.status == 0, "\(test.output)")
        #expect(test.output.contains("SUCCESS"))
        return try String(contentsOfFile: rules, encoding: .utf8)
    }
}
