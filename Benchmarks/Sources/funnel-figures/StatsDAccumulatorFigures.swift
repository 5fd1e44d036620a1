import Foundation
import FunnelServer

#if canImport(Glibc)
import Glibc
#endif

/// In-process figures of the StatsD accumulator on the cardinality streams: CPU per line on one core and the
/// meanings it remembers, without the socket and the ledger; steady enough to run under `valgrind --tool=callgrind`.
enum StatsDAccumulatorFigures {
    /// Feeds each stream's datagrams round after round, draining every 100,000 lines as a flush would.
    static func run(quick: Bool, report: FigureReport) {
        let lines = quick ? 2_000_000 : 10_000_000
        let parser = StatsDLineParser(mappings: [
            StatsDMapping(match: "funnel.*.*.latency", metricType: .timer, pipeline: "$1", stage: "$2"),
            StatsDMapping(match: "funnel.*.dlq.*", metricType: .gauge, pipeline: "$1", queue: "$2"),
            StatsDMapping(match: "funnel.*.*.*", metricType: .counter, pipeline: "$1", stage: "$2", outcome: "$3"),
        ])
        var rows: [[String]] = []
        var json: [String: Any] = ["lines_per_stream": lines]
        var untagged = Double.nan
        for stream in StatsDCardinalityScenario.streams() {
            var accumulator = StatsDAccumulator(parser: parser)
            var fed = 0
            var sinceDrain = 0
            var rejected = 0
            var entries = 0
            let started = Self.threadCPUSeconds
            while fed < lines {
                for (index, datagram) in stream.stream.datagrams.enumerated() {
                    datagram.withUnsafeBytes { accumulator.add($0) { _, _ in rejected += 1 } }
                    fed += stream.stream.lines[index]
                    sinceDrain += stream.stream.lines[index]
                    if sinceDrain >= 100_000 {
                        entries += accumulator.drain().entryCount
                        sinceDrain = 0
                    }
                    if fed >= lines { break }
                }
            }
            entries += accumulator.drain().entryCount
            let nanoseconds = (Self.threadCPUSeconds - started) * 1e9 / Double(fed)
            if stream.key == "untagged" { untagged = nanoseconds }
            rows.append([
                stream.label, Format.count(Double(stream.stream.distinctLines)), Format.count(Double(accumulator.rememberedLines)),
                Format.fixed(nanoseconds, 1), Format.times(nanoseconds / untagged), "\(rejected)",
            ])
            json[stream.key] = [
                "distinct_lines": stream.stream.distinctLines, "remembered_meanings": accumulator.rememberedLines,
                "cpu_nanoseconds_per_line": nanoseconds, "entries_handed_on": entries, "rejected_lines": rejected,
            ] as [String: Any]
        }
        report.table(
            "2d. StatsD accumulator in process, one core: \(Format.count(Double(lines))) lines per stream, drained every 100,000 lines",
            ["stream", "distinct lines", "meanings remembered", "CPU ns per line", "/ untagged", "refused"], rows,
            notes: ["what the listener does per line between the socket and the flush (taking the line apart, the meaning table, summing); the ledger's share of a flush is not in it"]
        )
        report.record("statsd_accumulator", json)
    }

    /// CPU seconds of the calling thread (`CLOCK_THREAD_CPUTIME_ID`).
    static var threadCPUSeconds: Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
