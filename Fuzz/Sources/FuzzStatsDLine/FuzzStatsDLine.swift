import FunnelCore
import FuzzDriver

/// Reads fuzzed bytes as one StatsD datagram, line by line with ``StatsDLineParser`` and whole with ``StatsDAccumulator``.
///
/// Traps when the two disagree: on which lines they refuse and why, on how many lines of each type they take, or
/// on how many events the counters add up to, in all and per label group (exactly without sample rates; with them
/// the accumulator carries each series' fraction where a line alone rounds, so the totals may differ by under one and
/// a half per sampled line or line of a fractional value).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let parser = StatsDLineParser(mappings: mappings, labels: labels)

    var refusals: [StatsDLineRejection.Reason] = []
    var eventLines: UInt64 = 0
    var events: UInt64 = 0
    var latencyLines: UInt64 = 0
    var depthLines: UInt64 = 0
    var sampledLines: UInt64 = 0
    var groupEvents: [[String: String]: UInt64] = [:]
    parser.forEachLine(in: bytes) { line, parsed in
        switch parsed {
        case .failure(let rejection):
            precondition(!rejection.description.isEmpty, "a rejection without a message")
            refusals.append(rejection.reason)
        case .success(.events(let report)):
            precondition(report.count <= ReportBodyParser.maximumCount, "a line counts \(report.count) events, over the maximum")
            eventLines += 1
            events += report.count
            groupEvents[report.labels, default: 0] += report.count
            precondition(report.labels.keys.allSatisfy { labels.positions(ofPipeline: report.pipeline).map { labels.names[$0] }.contains($0) }, "a label \(report.labels) its pipeline does not declare")
            if line.contains(UInt8(ascii: "@")) || !hasWholeValue(line) { sampledLines += 1 }
        case .success(.latency(let observation)):
            precondition(observation.millis.isFinite && observation.millis >= 0, "a latency of \(observation.millis) ms")
            precondition(observation.weight >= 1, "a latency sample that stands for no event")
            latencyLines += 1
        case .success(.dlqDepth):
            depthLines += 1
        }
    }

    var accumulator = StatsDAccumulator(parser: parser, seed: 1)
    var accumulatorRefusals: [StatsDLineRejection.Reason] = []
    accumulator.add(bytes) { _, rejection in accumulatorRefusals.append(rejection.reason) }
    let batch = accumulator.drain()

    precondition(refusals == accumulatorRefusals, "refused \(refusals) line by line but \(accumulatorRefusals) in the accumulator")
    precondition(batch.reportLines.reduce(batch.zeroCountLines, +) == eventLines, "counter lines differ")
    precondition(batch.latencyLines.reduce(0, +) == latencyLines, "timer lines differ")
    precondition(batch.depthLines.reduce(0, +) == depthLines, "gauge lines differ")
    let accumulated = batch.entries.stageReports.reduce(0) { $0 + $1.count }
    let difference = accumulated > events ? accumulated - events : events - accumulated
    precondition(difference <= 2 * sampledLines, "the counters add up to \(accumulated), line by line \(events), with \(sampledLines) sampled lines")
    var accumulatedGroups: [[String: String]: UInt64] = [:]
    for report in batch.entries.stageReports { accumulatedGroups[report.labels, default: 0] += report.count }
    for group in Set(groupEvents.keys).union(accumulatedGroups.keys) {
        let (summed, single) = (accumulatedGroups[group, default: 0], groupEvents[group, default: 0])
        precondition((summed > single ? summed - single : single - summed) <= 2 * sampledLines, "group \(group) adds up to \(summed), line by line \(single)")
    }
    precondition(accumulator.drain().isEmpty, "a second drain hands on lines again")
    return 0
}

/// Whether a counter line's value is a whole number: a fraction (`.1|c`) is carried by the accumulator like a
/// sampled line's, where the line alone rounds it.
private func hasWholeValue(_ line: UnsafeRawBufferPointer) -> Bool {
    guard let colon = line.firstIndex(of: UInt8(ascii: ":")), let bar = line.firstIndex(of: UInt8(ascii: "|")), colon < bar else { return false }
    guard let value = Double(String(decoding: line[(colon + 1)..<bar], as: UTF8.self)) else { return false }
    return value.rounded() == value
}

/// Rules of each kind, so mapped names are fuzzed too.
private let mappings = [
    StatsDMapping(match: "*.*.*", metricType: .counter, pipeline: "$1", stage: "$2", outcome: "$3"),
    StatsDMapping(match: "*.*.latency", metricType: .timer, pipeline: "$1", stage: "$2"),
    StatsDMapping(match: "*.dlq.*", metricType: .gauge, pipeline: "$1", queue: "${2}"),
    StatsDMapping(match: "app.*", stage: "$1"),
]

/// Labels two pipelines declare, so label tags are fuzzed too (`app` declares none: its label tags are ignored).
private let labels = StatsDDeclaredLabels(["orders": ["tenant", "version"], "p": ["tenant"]])

@main enum FuzzStatsDLineMain {
    static func main() { runFuzzer(fuzz) }
}
