import FunnelCore
import FunnelTerminal
import Testing

/// `funnel status --by tenant` and `--label`: the worst values under each pipeline that declares the label.
@Suite struct StatusGroupsTests {
    static func report(limit: Int = 10) throws -> StatusReport {
        let ledger = try TopGroupFixtures.ledger()
        let events = try #require(ledger.funnel(pipeline: "events"))
        var report = StatusReport(server: "http://127.0.0.1:9470", funnels: [events, TopFixtures.ordersFunnel], alarms: [])
        report.by = "tenant"
        report.groups = ["events": try ledger.groupedFunnel(pipeline: "events", by: "tenant", limit: limit)]
        report.declaredLabels = ["events": ["tenant", "version"], "orders": []]
        return report
    }

    @Test func worstTenantsPerPipelineMatchGolden() throws {
        try GoldenFile.check(try Self.report().lines(), against: "status-by-tenant.txt")
    }

    @Test func aPipelineWithoutTheLabelSaysSo() throws {
        let lines = try Self.report().lines()
        #expect(lines.contains("  by tenant: orders does not declare the label tenant (declares no labels)"))
    }

    @Test func theWorstValueComesFirstWithItsShare() throws {
        let lines = try Self.report().lines()
        let header = try #require(lines.firstIndex { $0.hasPrefix("    TENANT") })
        #expect(lines[header - 1] == "  worst by tenant: 5 values, most settled loss first")
        #expect(lines[header + 1].split(separator: " ") == ["acme", "40", "69.0%", "96.00%", "0", "1000"])
        #expect(lines.contains { $0.hasPrefix("    __other__: values past limits.max_label_values") })
    }

    @Test func aLimitedListSaysHowManyValuesThereAre() throws {
        #expect(try Self.report(limit: 2).lines().contains("  worst by tenant: 2 of 5 values, most settled loss first"))
    }

    @Test func aFunnelRestrictedToALabelNamesItAndLeftOutPipelinesAreListed() throws {
        let ledger = try TopGroupFixtures.ledger()
        let acme = try ledger.funnel(pipeline: "events", labels: ["tenant": "acme"])
        var report = StatusReport(server: "http://127.0.0.1:9470", funnels: [acme], alarms: [])
        report.withoutFilterLabels = ["orders"]
        let lines = report.lines()
        #expect(lines.contains { $0.hasPrefix("events{tenant=acme}: delivery 96.00%, ingested 1000, delivered 960, lost 40,") })
        #expect(lines.last == "Not shown: orders (does not declare every label of --label).")
    }

    @Test(arguments: [
        (["tenant=acme"], ["tenant": "acme"]), (["tenant:acme", "version=2.4.1"], ["tenant": "acme", "version": "2.4.1"]),
        (["build=a:b"], ["build": "a:b"]), (["tenant="], ["tenant": ""]),
    ])
    func labelArgumentsSplitAtTheFirstSeparator(values: [String], expected: [String: String]) throws {
        #expect(try LabelArgument.parse(values) == expected)
    }

    @Test(arguments: [
        (["tenant"], "expected NAME=VALUE"), (["=acme"], "the name must not be empty"), (["pipeline=x"], "Funnel's own series carry"),
        (["tenant=__other__"], "reserved"), (["tenant=a", "tenant=b"], "tenant is given twice"),
    ])
    func badLabelArgumentsAreRefusedNamingTheValue(values: [String], reason: String) {
        #expect {
            try LabelArgument.parse(values)
        } throws: { error in
            "\(error)".hasPrefix("--label ") && "\(error)".contains(reason)
        }
    }
}
