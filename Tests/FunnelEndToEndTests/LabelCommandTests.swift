import Foundation
import FunnelCore
import FunnelTesting
import Testing

/// `funnel emit --label`, NDJSON lines with "labels", `funnel status --by` and `--label`, and `l` in `funnel top`,
/// as the real binary against a real `funnel serve` whose `events` pipeline declares `labels: [tenant, version]`.
@Suite struct LabelCommandTests {
    static let configuration = """
        pipelines:
          - name: events
            stages: [ingest, deliver]
            labels: [tenant, version]
          - name: orders
            stages: [ingest, deliver]

        """

    /// acme (emitted with --label) loses 30 of 100 at deliver; globex (NDJSON) 5 of 50 in transit; initech none.
    static func served(_ directory: TemporaryDirectory) async throws -> (FunnelProcess, String) {
        let config = try directory.write(Self.configuration, to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        let eventTime = EventTimestamp.formatRFC3339(millis: (nowMillis() - 20 * 60_000) / 60_000 * 60_000)
        for (stage, outcome, count) in [("ingest", "received", 100), ("ingest", "passed", 100), ("deliver", "received", 100), ("deliver", "passed", 70)] {
            let result = try FunnelCommand.run([
                "emit", "--server", url, "--pipeline", "events", "--stage", stage, "--outcome", outcome, "--count", String(count),
                "--event-time", eventTime, "--label", "tenant=acme", "--label", "version=2.4.1",
            ])
            #expect(result.status == 0, "\(result.stderr)")
        }
        var lines: [String] = []
        for (tenant, version, received, lost) in [("globex", "2.4.0", 50, 5), ("initech", "2.4.0", 200, 0)] {
            for (stage, outcome, count) in [("ingest", "received", received), ("ingest", "passed", received), ("deliver", "received", received - lost), ("deliver", "passed", received - lost)] {
                lines.append(
                    #"{"pipeline":"events","stage":"\#(stage)","outcome":"\#(outcome)","count":\#(count),"event_time":"\#(eventTime)","labels":{"tenant":"\#(tenant)","version":"\#(version)"}}"#
                )
            }
        }
        let file = try directory.write(lines.joined(separator: "\n") + "\n", to: "reports.ndjson")
        let result = try FunnelCommand.run(["emit", "--server", url, "--file", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "{\"accepted\":8}\n")
        let orders = try FunnelCommand.run(["emit", "--server", url, "--pipeline", "orders", "--stage", "ingest", "--outcome", "received", "--event-time", eventTime])
        #expect(orders.status == 0, "\(orders.stderr)")
        return (server, url)
    }

    @Test func emitsLabelsFromFlagsAndNDJSONAndStatusListsTheWorstTenants() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await Self.served(directory)
        defer { _ = Task { try await server.stop() } }

        let grouped = try #require(try await TestHTTP.get(url + "/api/v1/funnel?pipeline=events&by=tenant").json() as? [String: Any])
        let groups = try #require(grouped["groups"] as? [[String: Any]])
        #expect(groups.map { $0["value"] as? String } == ["acme", "globex", "initech"])
        #expect(groups.map { ($0["totals"] as? [String: Any])?["lost"] as? Int } == [30, 5, 0])

        let status = try FunnelCommand.run(["status", "--server", url, "--by", "tenant"])
        #expect(status.status == 0, "\(status.stderr)")
        let lines = status.stdout.components(separatedBy: "\n")
        #expect(lines.contains("  worst by tenant: 3 values, most settled loss first"), "\(status.stdout)")
        let acme = try #require(lines.first { $0.hasPrefix("    acme ") })
        #expect(acme.split(separator: " ") == ["acme", "30", "85.7%", "70.00%", "0", "100"])
        #expect(lines.contains("  by tenant: orders does not declare the label tenant (declares no labels)"))

        let one = try FunnelCommand.run(["status", "--server", url, "--label", "tenant:globex"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.contains("events{tenant=globex}: delivery 90.00%, ingested 50, delivered 45, lost 5"), "\(one.stdout)")
        #expect(one.stdout.contains("Not shown: orders (does not declare every label of --label)."))

        let json = try FunnelCommand.run(["status", "--server", url, "--pipeline", "events", "--by", "version", "--json"])
        let api = try await TestHTTP.get(url + "/api/v1/funnel?pipeline=events&by=version&limit=10").body
        #expect(json.stdout == api + "\n")
    }

    @Test func labelsTheServerOrTheCommandRefuseNameTheLabel() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(Self.configuration, to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let base = ["emit", "--server", url, "--pipeline", "events", "--stage", "ingest", "--outcome", "received"]

        let undeclared = try FunnelCommand.run(base + ["--label", "region=eu"])
        #expect(undeclared.status == 1)
        #expect(undeclared.stderr.contains("region"), "\(undeclared.stderr)")

        let malformed = try FunnelCommand.run(base + ["--label", "tenant"])
        #expect(malformed.status == 64)
        #expect(malformed.stderr.contains(#"--label "tenant": expected NAME=VALUE"#), "\(malformed.stderr)")

        let reserved = try FunnelCommand.run(base + ["--label", "tenant=__other__"])
        #expect(reserved.status == 64)
        #expect(reserved.stderr.contains("reserved"), "\(reserved.stderr)")

        let withFile = try FunnelCommand.run(["emit", "--server", url, "--file", "-", "--label", "tenant=acme"])
        #expect(withFile.status == 64)
        #expect(withFile.stderr.contains(#"give each NDJSON line its own "labels""#), "\(withFile.stderr)")

        let help = try FunnelCommand.run(["emit", "--help"])
        #expect(help.stdout.contains("--label <name=value>"))
        #expect(help.stdout.contains("unknown_label"))
    }

    @Test func lInTopShowsTheWorstTenantsThenVersionsAndEscGoesBack() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await Self.served(directory)
        defer { _ = Task { try await server.stop() } }

        let command = "'\(FunnelProcess.binaryPath)' top --server \(url) --pipeline events --refresh 500ms; echo FUNNEL_TOP_EXIT=$?; sleep 120"
        let tmux = try TmuxSession(command: command, columns: 100, rows: 30)
        defer { tmux.kill() }
        _ = try await Deadline.poll("funnel top to show events and offer l", timeout: .seconds(30), interval: .milliseconds(250)) { () -> Bool? in
            let screen = try tmux.screen()
            return screen.contains("STAGE") && screen.contains("lost 35") && screen.contains("l labels") ? true : nil
        }
        try tmux.send("l")
        let tenants = try await Deadline.poll("l to show the worst tenants", timeout: .seconds(10), interval: .milliseconds(250)) { () -> [String]? in
            let lines = try tmux.screen().components(separatedBy: "\n")
            return lines.contains { $0.hasPrefix(" WORST BY TENANT") } && lines.contains { $0.hasPrefix("  acme ") } ? lines : nil
        }
        let rows = tenants.filter { line in ["  acme ", "  globex ", "  initech "].contains { line.hasPrefix($0) } }
        #expect(rows.map { $0.split(separator: " ").prefix(4).joined(separator: " ") } == ["acme 30 85.7% 70.00%", "globex 5 14.3% 90.00%", "initech 0 0.0% 100%"])

        try tmux.send("l")
        _ = try await Deadline.poll("l again to show the worst versions", timeout: .seconds(10), interval: .milliseconds(250)) { () -> Bool? in
            let lines = try tmux.screen().components(separatedBy: "\n")
            return lines.contains { $0.hasPrefix(" WORST BY VERSION") } && lines.contains { $0.hasPrefix("  2.4.1 ") && $0.contains(" 30 ") } ? true : nil
        }
        try tmux.send("Escape")
        _ = try await Deadline.poll("Esc to go back to the stage table", timeout: .seconds(10), interval: .milliseconds(250)) { () -> Bool? in
            let screen = try tmux.screen()
            return screen.contains("STAGE") && !screen.contains("WORST BY") ? true : nil
        }
        try tmux.send("q")
        let after = try await Deadline.poll("funnel top to exit after q", timeout: .seconds(10)) { () -> String? in
            let screen = try tmux.screen()
            return screen.contains("FUNNEL_TOP_EXIT=") ? screen : nil
        }
        #expect(after.contains("FUNNEL_TOP_EXIT=0"))
    }
}
