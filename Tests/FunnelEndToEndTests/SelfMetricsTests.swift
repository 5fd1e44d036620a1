import Foundation
import FunnelTesting
import Testing

/// The self-metrics an SRE expects from the real `funnel serve`: `process_*`, request durations by route, store
/// commit times and size, settle lag, reload state and build info; all of it passes `promtool check metrics`.
@Suite struct SelfMetricsTests {
    /// Each sample of an exposition by its series (name and labels as written).
    static func samples(_ body: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in body.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    @Test func processMetricsExistMoveAndPassPromtool() async throws {
        let promtool = try RequiredTool("promtool", package: "prometheus")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }

        let first = Self.samples(try await TestHTTP.get(url + "/metrics").body)
        let started = try #require(first["process_start_time_seconds"])
        #expect(abs(started - Date().timeIntervalSince1970) < 600, "process_start_time_seconds \(started)")
        let openBefore = try #require(first["process_open_fds"])
        #expect(openBefore > 0)
        #expect(try #require(first["process_max_fds"]) > openBefore)
        #expect(try #require(first["process_resident_memory_bytes"]) > 1_000_000)
        #expect(try #require(first["process_virtual_memory_bytes"]) >= first["process_resident_memory_bytes"]!)
        let cpuBefore = try #require(first["process_cpu_seconds_total"])
        #expect(first["funnel_config_last_reload_successful"] == 1)
        #expect(try #require(first["funnel_store_size_bytes"]) > 0)
        #expect(first["funnel_settle_lag_seconds"] != nil)
        #expect(first.keys.contains { $0.hasPrefix("funnel_build_info{version=") && $0.contains("revision=") && $0.contains("swift_version=") })

        // Open connections are open files: 20 more show at once (before the header timeout closes them).
        let held = try (0..<20).map { _ in try RawConnection(port: Int(url.split(separator: ":").last!)!) }
        _ = try await Deadline.poll("20 more open files") { () -> Bool? in
            let open = Self.samples(try await TestHTTP.get(url + "/metrics").body)["process_open_fds"] ?? 0
            return open >= openBefore + 20 ? true : nil
        }
        held.forEach { $0.close() }
        for index in 0..<50 {
            let report = #"{"pipeline":"orders","stage":"api","outcome":"received","count":\#(index + 1)}"#
            #expect(try await TestHTTP.post(url + "/v1/reports", body: report).status == 202)
        }
        for _ in 0..<2 { #expect(try await TestHTTP.get(url + "/no/such/page").status == 404) }

        let body = try await TestHTTP.get(url + "/metrics").body
        let second = Self.samples(body)
        #expect(try #require(second["process_cpu_seconds_total"]) > cpuBefore)
        #expect(second[#"funnel_http_request_duration_seconds_count{handler="/v1/reports",code="202"}"#] == 50)
        #expect(second[#"funnel_http_request_duration_seconds_bucket{handler="/v1/reports",code="202",le="+Inf"}"#] == 50)
        #expect(second[#"funnel_http_request_duration_seconds_count{handler="unmatched",code="404"}"#] == 2)
        #expect(try #require(second[#"funnel_http_request_duration_seconds_count{handler="/metrics",code="200"}"#]) >= 2)
        #expect(second["funnel_store_commit_duration_seconds_count"] == 50)
        #expect(try #require(second["funnel_store_commit_duration_seconds_sum"]) > 0)
        // No raw path becomes a label: bounded cardinality whatever clients ask for.
        #expect(!body.contains("/no/such/page"))

        let check = try promtool.run(["check", "metrics"], input: Array(body.utf8))
        #expect(check.status == 0, "promtool check metrics: \(check.output)")
        #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool findings: \(check.output)")
        #expect(try await server.stop() == 0)
    }

    @Test func versionPrintsVersionRevisionBuildDateAndSwiftVersionAsBuildInfoLabelsDo() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let command = try FunnelProcess(["--version"], directory: directory.path, logName: "version")
        #expect(try await command.waitForExit() == 0)
        let lines = command.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(lines)")
        let first = try #require(lines.first)
        let version = try #require(first.firstMatch(of: #/^funnel, version (\d+\.\d+\.\d+) \(revision: ([0-9a-f]{7,40}(-dirty)?|unknown)\)$/#), "\(first)")
        let date = try #require(lines.dropFirst().first { $0.hasPrefix("  build date:") })
        let buildDate = date.split(separator: " ").last.map(String.init) ?? ""
        #expect(buildDate == "unknown" || buildDate.firstMatch(of: #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/#) != nil, "\(date)")
        let swift = try #require(lines.first { $0.hasPrefix("  swift version:") })
        let swiftVersion = swift.split(separator: " ").last.map(String.init) ?? ""
        #expect(swiftVersion.firstMatch(of: #/^6\.\d+(\.\d+)?$/#) != nil, "\(swift)")

        let (server, url) = try await FunnelProcess.serve(["--listen", "127.0.0.1:0", "--data-dir", "data"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let metrics = try await TestHTTP.get(url + "/metrics").body
        let expected = #"funnel_build_info{version="\#(version.1)",revision="\#(version.2)",build_date="\#(buildDate)",swift_version="\#(swiftVersion)"} 1"#
        #expect(metrics.contains(expected), "\(expected) in:\n\(metrics.prefix(600))")
        #expect(try await server.stop() == 0)
    }
}
