import Foundation
import FunnelCore
import FunnelTesting
import Testing

/// `funnel compare` against the real server fed the comparison scenario of `docs/comparisons.md`.
@Suite struct CompareCommandTests {
    static let config = """
        data_dir: data
        pipelines:
          - name: orders-v1
            stages: [ingest, enrich, deliver]
          - name: orders-v2
            stages: [ingest, deliver]
        comparisons:
          - name: orders-migration
            baseline: orders-v1
            candidate: orders-v2
          - name: rollback
            baseline: orders-v2
            candidate: orders-v1
        """

    static func compare(_ arguments: [String], in directory: TemporaryDirectory, logName: String) async throws -> (Int32, FunnelProcess) {
        let process = try FunnelProcess(["compare"] + arguments, directory: directory.path, logName: logName)
        return (try await process.waitForExit(), process)
    }

    @Test func comparesTheScenarioListsItsBackfillAndExitsTwoWhenTheCandidateIsWorse() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configPath = try directory.write(Self.config, to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", configPath, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let t0 = (nowMillis() - 20 * 60_000) / 60_000 * 60_000
        #expect(try await TestHTTP.post(url + "/v1/reports", body: ComparisonScenarioReports.body(t0: t0)).status == 202)
        func minute(_ index: Int64) -> String { EventTimestamp.formatRFC3339(millis: t0 + index * 60_000) }

        let (code, table) = try await Self.compare(["orders-migration", "--server", url], in: directory, logName: "table")
        #expect(code == 0, "\(table.standardError)")
        let lines = table.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "orders-migration: orders-v1 (baseline) against orders-v2 (candidate)")
        #expect(lines.contains { $0.split(separator: " ") == ["ingested", "6000", "6000"] })
        #expect(lines.contains { $0.split(separator: " ") == ["delivered", "5600", "5999"] })
        #expect(lines.contains { $0.split(separator: " ") == ["delivery", "ratio", "93.33%", "99.98%"] })
        #expect(lines.contains { $0.split(separator: " ") == ["lost", "at", "enrich", "400", "-"] })
        #expect(lines.contains("backfill: 399 events in 2 windows (funnel compare orders-migration --backfill lists them)"))
        #expect(lines.contains { $0.hasPrefix("verdict: candidate_better: the candidate is better") })

        let (ndjsonCode, ndjson) = try await Self.compare(["orders-migration", "--backfill", "--server", url], in: directory, logName: "ndjson")
        #expect(ndjsonCode == 0)
        #expect(ndjson.standardOutput == """
            {"from":"\(minute(1))","to":"\(minute(3))","events":349}
            {"from":"\(minute(4))","to":"\(minute(5))","events":50}

            """)
        let (csvCode, csv) = try await Self.compare(
            ["orders-migration", "--backfill", "--format", "csv", "--from", minute(2), "--server", url], in: directory, logName: "csv"
        )
        #expect(csvCode == 0)
        #expect(csv.standardOutput == "from,to,events\n\(minute(2)),\(minute(3)),199\n\(minute(4)),\(minute(5)),50\n")

        let (worseCode, worse) = try await Self.compare(["rollback", "--server", url], in: directory, logName: "worse")
        #expect(worseCode == 2, "\(worse.standardOutput)\(worse.standardError)")
        #expect(worse.standardOutput.contains("verdict: baseline_better: the candidate is worse"))

        let (unknownCode, unknown) = try await Self.compare(["nope", "--server", url], in: directory, logName: "unknown")
        #expect(unknownCode == 3)
        #expect(unknown.standardError == "UNKNOWN: no comparison named \"nope\"; the server has orders-migration, rollback\n")

        let (rangeCode, range) = try await Self.compare(["orders-migration", "--from", "tuesday", "--server", url], in: directory, logName: "range")
        #expect(rangeCode == 3)
        #expect(range.standardError.contains("answered 400"), "\(range.standardError)")
    }
}
