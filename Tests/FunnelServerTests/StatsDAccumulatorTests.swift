import Foundation
import FunnelCore
import FunnelServer
import SeededRandom
import Testing

/// Lines are summed per distinct line until a drain; the sums must say exactly what the lines said one by one.
@Suite struct StatsDAccumulatorTests {
    let parser = StatsDLineParser(mappings: [StatsDMapping(match: "*.*.*", pipeline: "$1", stage: "$2", outcome: "$3")])

    /// Feeds `text` as one datagram and returns the rejections.
    private func add(_ text: String, to accumulator: inout StatsDAccumulator, maximumLineBytes: Int = .max) -> [(String, StatsDLineRejection.Reason)] {
        var rejected: [(String, StatsDLineRejection.Reason)] = []
        Array(text.utf8).withUnsafeBytes { bytes in
            accumulator.add(bytes, maximumLineBytes: maximumLineBytes) { line, rejection in
                rejected.append((String(decoding: line, as: UTF8.self), rejection.reason))
            }
        }
        return rejected
    }

    @Test func countersRepeatingOneLineBecomeOneReportWithTheirLines() {
        var accumulator = StatsDAccumulator(parser: parser)
        let rejected = add("orders.ingest.received:1|c\norders.ingest.received:7|c\r\norders.ingest.received:2|c\norders.ingest.received:4|c|@0.5", to: &accumulator)
        #expect(rejected.isEmpty)
        let batch = accumulator.drain()
        #expect(batch.entries.stageReports == [
            StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 10),
            StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 8),
        ])
        #expect(batch.reportLines == [3, 1])
        #expect(batch.lines == 4)
    }

    @Test func aBadValueIsRefusedAndTheLineStillSums() {
        var accumulator = StatsDAccumulator(parser: parser)
        let rejected = add("orders.ingest.passed:2|c\norders.ingest.passed:-3|c\norders.ingest.passed:x|c\norders.ingest.passed:5|c", to: &accumulator)
        #expect(rejected.map(\.1) == [.badValue, .badValue])
        #expect(rejected.map(\.0) == ["orders.ingest.passed:-3|c", "orders.ingest.passed:x|c"])
        let batch = accumulator.drain()
        #expect(batch.entries.stageReports == [StageReport(pipeline: "orders", stage: "ingest", outcome: .passed, count: 7)])
        #expect(batch.reportLines == [2])
    }

    @Test func aRefusedLineIsRefusedEveryTimeAndNeverRemembered() {
        var accumulator = StatsDAccumulator(parser: parser)
        let rejected = add("orders.ingest.lost:1|c\norders.ingest.lost:1|c\norders.ingest.lost:1|c\nbogus", to: &accumulator)
        #expect(rejected.map(\.1) == [.unknownOutcome, .unknownOutcome, .unknownOutcome, .malformed])
        #expect(accumulator.rememberedLines == 0)
        #expect(accumulator.drain().isEmpty)
    }

    @Test func timersOfOneLineGoIntoOneSketchWeightedByTheirRate() throws {
        var accumulator = StatsDAccumulator(parser: parser)
        let lines = (1...100).map { "funnel.latency:\($0)|ms|#pipeline:orders,stage:process" } + ["funnel.latency:500|ms|@0.1|#pipeline:orders,stage:process"]
        #expect(add(lines.joined(separator: "\n"), to: &accumulator).isEmpty)
        let batch = accumulator.drain()
        #expect(batch.entries.latencies.count == 2)
        #expect(batch.latencyLines == [100, 1])
        let plain = try #require(batch.entries.latencies.first)
        #expect(plain.pipeline == "orders" && plain.stage == "process")
        #expect(plain.observations.sketch.count == 100)
        #expect(plain.observations.histogram.count == 100)
        #expect(abs((plain.observations.sketch.quantile(0.5) ?? 0) / 50.5 - 1) < 0.02)
        #expect(batch.entries.latencies[1].observations.sketch.count == 10)
        #expect(batch.entries.latencies[1].observations.sketch.sum == 5000)
    }

    @Test func gaugesKeepTheLastDepthAndCountEveryLine() {
        var accumulator = StatsDAccumulator(parser: parser)
        #expect(add("funnel.dlq_depth:3|g|#pipeline:orders,queue:dlq\nfunnel.dlq_depth:9|g|#pipeline:orders,queue:dlq\nfunnel.dlq_depth:4|g|#pipeline:orders,queue:dlq", to: &accumulator).isEmpty)
        let batch = accumulator.drain()
        #expect(batch.entries.queueDepths == [QueueDepthReport(pipeline: "orders", queue: "dlq", depth: 4)])
        #expect(batch.depthLines == [3])
        #expect(batch.weights == [3])
    }

    @Test func zeroCountersAreAcceptedWithoutAReport() {
        var accumulator = StatsDAccumulator(parser: parser)
        #expect(add("orders.ingest.failed:0|c\norders.ingest.failed:0|c", to: &accumulator).isEmpty)
        let batch = accumulator.drain()
        #expect(batch.entries.stageReports.isEmpty)
        #expect(batch.zeroCountLines == 2)
        #expect(!batch.isEmpty)
    }

    @Test func aDrainStartsOverButKeepsWhatLinesMean() {
        var accumulator = StatsDAccumulator(parser: parser)
        _ = add("orders.ingest.received:1|c\norders.ingest.passed:1|c", to: &accumulator)
        #expect(accumulator.waitingEntries == 2)
        #expect(accumulator.drain().entries.stageReports.count == 2)
        #expect(accumulator.waitingEntries == 0)
        #expect(accumulator.drain().isEmpty)
        #expect(accumulator.rememberedLines == 2)
        _ = add("orders.ingest.passed:6|c", to: &accumulator)
        #expect(accumulator.drain().entries.stageReports == [StageReport(pipeline: "orders", stage: "ingest", outcome: .passed, count: 6)])
    }

    @Test func linesPastTheTableAreKeptOneByOne() {
        var accumulator = StatsDAccumulator(parser: parser)
        let total = StatsDAccumulator.capacity + 2_000
        let text = (0..<total).map { "p\($0).s.passed:1|c" }.joined(separator: "\n")
        #expect(add(text, to: &accumulator).isEmpty)
        #expect(add("p\(total - 1).s.passed:1|c", to: &accumulator).isEmpty)
        #expect(accumulator.rememberedLines == StatsDAccumulator.capacity)
        let batch = accumulator.drain()
        #expect(batch.entries.stageReports.count == total + 1)
        #expect(batch.lines == UInt64(total + 1))
        #expect(batch.entries.stageReports.reduce(0) { $0 + $1.count } == UInt64(total + 1))
        #expect(Set(batch.entries.stageReports.map(\.pipeline)).count == total)
    }

    @Test func aLineLongerThanTheLimitIsRefused() {
        var accumulator = StatsDAccumulator(parser: parser)
        let rejected = add("orders.ingest.received:1|c\norders.ingest.received:1|c|#\(String(repeating: "x", count: 100))", to: &accumulator, maximumLineBytes: 64)
        #expect(rejected.map(\.1) == [.tooLong])
        #expect(accumulator.drain().reportLines == [1])
    }

    /// Whatever the mix, the sums equal what the parser says line by line, summed by hand.
    @Test func sumsEqualTheParsersLinesSummedByHand() {
        var random = SeededGenerator(state: 7)
        let templates = [
            "orders.ingest.received:%|c", "orders.ingest.passed:%|c|@0.25", "funnel.events:%|c|#pipeline:pay,stage:auth,outcome:failed",
            "funnel.latency:%|ms|#pipeline:pay,stage:auth", "funnel.dlq_depth:%|g|#pipeline:pay,queue:dlq", "orders.ingest.lost:%|c", "  orders.deliver.passed:%|c\r",
        ]
        var lines: [String] = []
        for _ in 0..<3_000 {
            let template = templates[Int(random.next() % UInt64(templates.count))]
            let value = random.next() % 10 == 0 ? "-1" : String(random.next() % 1_000)
            lines.append(template.replacingOccurrences(of: "%", with: value))
        }
        var accumulator = StatsDAccumulator(parser: parser)
        var rejectedCount = 0
        for chunk in stride(from: 0, to: lines.count, by: 37) {
            rejectedCount += add(lines[chunk..<min(chunk + 37, lines.count)].joined(separator: "\n") + "\n\n", to: &accumulator).count
        }
        var expectedCounts: [String: UInt64] = [:]
        var expectedSamples = 0
        var expectedDepth: UInt64?
        var expectedRejected = 0
        for line in lines {
            switch Result(catching: { try parser.parse(line) }) {
            case .success(.events(let report)): expectedCounts[report.pipeline + "/" + report.stage + "/" + "\(report.outcome)", default: 0] += report.count
            case .success(.latency): expectedSamples += 1
            case .success(.dlqDepth(let depth)): expectedDepth = depth.depth
            case .success(nil): break
            case .failure: expectedRejected += 1
            }
        }
        let batch = accumulator.drain()
        var counts: [String: UInt64] = [:]
        for report in batch.entries.stageReports { counts[report.pipeline + "/" + report.stage + "/" + "\(report.outcome)", default: 0] += report.count }
        #expect(counts == expectedCounts.filter { $0.value > 0 })
        #expect(batch.entries.latencies.reduce(0) { $0 + Int($1.observations.sketch.count) } == expectedSamples)
        #expect(batch.entries.queueDepths.map(\.depth) == [expectedDepth].compactMap { $0 })
        #expect(rejectedCount == expectedRejected)
        #expect(batch.lines == UInt64(lines.count - expectedRejected))
    }
}
