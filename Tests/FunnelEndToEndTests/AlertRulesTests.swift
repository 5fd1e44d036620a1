import FunnelTesting
import Testing

@Suite struct AlertRulesTests {
    @Test func ruleFileIsValid() throws {
        let promtool = try RequiredTool("promtool", package: "prometheus")
        let result = try promtool.run(["check", "rules", RepositoryPaths.file("Alerts/funnel-rules.yml")])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS"))
    }

    @Test func ruleUnitTestsPass() throws {
        let promtool = try RequiredTool("promtool", package: "prometheus")
        let result = try promtool.run(["test", "rules", "funnel-rules.test.yml"], directory: RepositoryPaths.file("Alerts"))
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS"))
    }
}
