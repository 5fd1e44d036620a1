import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Funnel's figures side by side with the peers users would run instead, on loopback, each a separate process:
/// HTTP ingest (with and without labels), StatsD vs collectd, HTTP push vs the Pushgateway, scrape, memory per series, quantile accuracy,
/// plus the in-process sketch and alarm-latency figures.
///
/// `funnel-figures --funnel PATH [--quick] [--json FILE] [--markdown FILE] [--only a,b,...]`; scenario names are
/// `sketch`, `http`, `flood`, `labels`, `statsd`, `accumulator`, `cardinality`, `push`, `scrape`, `memory`, `accuracy`, `alarm`, `detection`.
@main
struct FunnelFigures {
    static func main() async throws {
        let arguments = CommandLine.arguments
        func option(_ name: String) -> String? { arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } }
        let quick = arguments.contains("--quick")
        let only = option("--only").map { Set($0.split(separator: ",").map(String.init)) }
        func runs(_ name: String) -> Bool { only?.contains(name) ?? true }
        guard let binary = option("--funnel"), FileManager.default.isExecutableFile(atPath: binary) else {
            FileHandle.standardError.write(Data("funnel-figures: --funnel PATH to the release funnel binary is required\n".utf8))
            exit(2)
        }
        signal(SIGINT) { _ in
            ChildProcess.stopAll()
            _exit(130)
        }
        signal(SIGTERM) { _ in
            ChildProcess.stopAll()
            _exit(143)
        }
        atexit { ChildProcess.stopAll() }
        let directory = NSTemporaryDirectory() + "funnel-figures-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let report = FigureReport()
        let started = Monotonic.now
        let loadBefore = Self.loadAverage
        print("load average before the run: \(loadBefore) (other processes on these cores skew every figure)")
        var failures: [String] = []
        func attempt(_ name: String, _ body: () throws -> Void) {
            guard runs(name) else { return }
            let scenarioStarted = Monotonic.now
            do {
                try body()
            } catch {
                failures.append("\(name): \(error)")
                print("\n!! \(name) failed: \(error)")
            }
            ChildProcess.stopAll()
            print("(\(name): \(Int(Monotonic.now - scenarioStarted)) s)")
        }

        if runs("sketch") { try await SketchFigures.run(quick: quick, report: report) }
        attempt("http") { try HTTPIngestScenario(binary: binary, seconds: quick ? 2 : 5, directory: directory).run(report: report) }
        attempt("flood") { try StatsDFloodScenario(binary: binary, seconds: quick ? 3 : 5, directory: directory).run(report: report) }
        attempt("labels") { try LabelledIngestScenario(binary: binary, seconds: quick ? 2 : 5, rounds: quick ? 1 : 3, directory: directory).run(report: report) }
        attempt("statsd") { try StatsDScenario(binary: binary, quick: quick).run(report: report) }
        if runs("accumulator") { StatsDAccumulatorFigures.run(quick: quick, report: report) }
        attempt("cardinality") { try StatsDCardinalityScenario(binary: binary, quick: quick).run(report: report) }
        attempt("push") { try PushScenario(binary: binary, seconds: quick ? 2 : 5, directory: directory).run(report: report) }
        attempt("scrape") { try ScrapeScenario(binary: binary, quick: quick).run(report: report) }
        attempt("memory") { try MemoryScenario(binary: binary, quick: quick).run(report: report) }
        attempt("accuracy") { try AccuracyScenario(binary: binary, quick: quick).run(report: report) }
        if runs("alarm") { try await AlarmLatency.run(quick: quick, report: report) }
        if runs("detection") { try await DetectionLatency.run(quick: quick, report: report) }

        var machine: [String: Any] = [
            "cores": ProcessInfo.processInfo.activeProcessorCount, "quick": quick,
            "date": ISO8601DateFormatter().string(from: Date()), "seconds": Int(Monotonic.now - started),
            "load_average_before": loadBefore, "load_average_after": Self.loadAverage,
        ]
        var name = utsname()
        uname(&name)
        machine["arch"] = withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if !failures.isEmpty { machine["failures"] = failures }
        try report.finish(jsonPath: option("--json"), markdownPath: option("--markdown"), machine: machine)
        print("\n(\(Int(Monotonic.now - started)) s in all; load average after: \(Self.loadAverage))")
        if !failures.isEmpty { exit(1) }
    }

    /// The 1, 5 and 15 minute load averages from `/proc/loadavg`.
    static var loadAverage: String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
