import Foundation
import FunnelTesting
import Testing

/// `funnel generate rules|dashboard`: the generic files are what it writes for no config, and a config's pipelines
/// get rules that promtool accepts.
@Suite struct GenerateCommandTests {
    static let twoPipelines = """
        pipelines:
          - name: orders
            stages: [ingest, process, deliver]
          - name: billing
            stages: [charge, invoice]
        alarms:
          - name: process-loss
            kind: silent_loss
            pipeline: orders
            stage: process
            above: 0.02
          - name: billing-delivery
            kind: delivery_ratio
            pipeline: billing
            below: 0.95
          - name: orders-dlq
            kind: dlq_depth
            pipeline: orders
            queue: orders-dlq
            above: 250
        """

    @Test(arguments: [("rules", "Alerts/funnel-rules.yml"), ("dashboard", "Dashboards/funnel-overview.json")])
    func genericFileIsWhatTheGeneratorWritesForNoPipelines(kind: String, file: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write("pipelines: []\n", to: "funnel.yml")
        let result = try FunnelCommand.run(["generate", kind, "--config", config])
        #expect(result.status == 0, "\(result.stderr)")
        let checkedIn = try String(contentsOfFile: RepositoryPaths.file(file), encoding: .utf8)
        #expect(result.stdout == checkedIn, "\(file) differs from `funnel generate \(kind)`: regenerate it with --output")
    }

    @Test func rulesForTwoPipelinesPassPromtoolAndMatchEachPipeline() throws {
        let promtool = try RequiredTool("promtool", package: "prometheus")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(Self.twoPipelines, to: "funnel.yml")
        let output = directory.file("rules.yml")
        let result = try FunnelCommand.run(["generate", "rules", "--config", config, "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        let check = try promtool.run(["check", "rules", output])
        #expect(check.status == 0, "\(check.output)")
        let rules = try String(contentsOfFile: output, encoding: .utf8)
        for expected in [
            "- name: funnel-alerts-orders", "- name: funnel-alerts-billing",
            #"funnel:stage_silent_loss_ratio:1h{pipeline="orders",stage="process"} > 0.02"#,
            #"funnel:stage_silent_loss_ratio:1h{pipeline="orders",stage!~"process"} > 0.001"#,
            #"funnel:stage_silent_loss_ratio:1h{pipeline="billing"} > 0.001"#,
            #"funnel:pipeline_delivery_ratio:1h{pipeline="billing"} < 0.95"#,
            #"funnel:pipeline_delivery_ratio:1h{pipeline="orders"} < 0.99"#,
            #"max by (pipeline, queue) (funnel_dlq_depth{pipeline="orders",queue="orders-dlq"}) > 250"#,
            "(threshold 2%)", "(threshold 95%)",
        ] {
            #expect(rules.contains(expected), "generated rules lack \(expected)")
        }
    }

    @Test func dashboardForTwoPipelinesOffersOnlyThose() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(Self.twoPipelines, to: "funnel.yml")
        let result = try FunnelCommand.run(["generate", "dashboard", "--config", config])
        #expect(result.status == 0, "\(result.stderr)")
        let dashboard = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(dashboard["title"] as? String == "Funnel / Overview: orders, billing")
        #expect(dashboard["uid"] as? String == "funnel-orders-billing")
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        let pipeline = variables.first { $0["name"] as? String == "pipeline" }
        #expect(pipeline?["regex"] as? String == "/^(orders|billing)$/")
    }

    @Test func jobAndRunbookBaseURLReachTheRulesAndTheDashboard() throws {
        let promtool = try RequiredTool("promtool", package: "prometheus")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(Self.twoPipelines, to: "funnel.yml")
        let output = directory.file("rules.yml")
        let flags = ["--config", config, "--job", "funnel-eu", "--runbook-base-url", "https://runbooks.example.com/funnel"]
        let rules = try FunnelCommand.run(["generate", "rules", "--output", output] + flags)
        #expect(rules.status == 0, "\(rules.stderr)")
        let check = try promtool.run(["check", "rules", output])
        #expect(check.status == 0, "\(check.output)")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains(#"up{job="funnel-eu"} == 0"#) && !text.contains(#"job="funnel""#))
        #expect(text.contains("runbook_url: https://runbooks.example.com/funnel#funneldlqdepthhigh") && !text.contains("github.com"))

        let result = try FunnelCommand.run(["generate", "dashboard"] + flags)
        #expect(result.status == 0, "\(result.stderr)")
        let dashboard = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let links = dashboard["links"] as? [[String: Any]] ?? []
        #expect(links.first?["url"] as? String == "https://runbooks.example.com/funnel#runbooks")
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        #expect(variables.compactMap { $0["name"] as? String } == ["DS_PROMETHEUS", "job", "instance", "pipeline"])
        let job = variables.first { $0["name"] as? String == "job" }
        #expect((job?["current"] as? [String: Any])?["value"] as? [String] == ["funnel-eu"])
        let generic = try #require(try JSONSerialization.jsonObject(with: Data(FunnelCommand.run(["generate", "dashboard"]).stdout.utf8)) as? [String: Any])
        let genericJob = ((generic["templating"] as? [String: Any])?["list"] as? [[String: Any]])?.first { $0["name"] as? String == "job" }
        #expect((genericJob?["current"] as? [String: Any])?["value"] as? [String] == ["$__all"], "the generic dashboard selects every job")
    }

    @Test(arguments: [["--job", ""], ["--runbook-base-url", "https://x.example.com/a b"], ["--runbook-base-url", "https://x.example.com/#runbooks"]])
    func badJobOrRunbookURLIsRefusedNamingTheFlag(flags: [String]) throws {
        let result = try FunnelCommand.run(["generate", "rules"] + flags)
        #expect(result.status == 64, "\(result.stdout)")
        #expect(result.stderr.contains(flags[0]), "\(result.stderr)")
    }
}
