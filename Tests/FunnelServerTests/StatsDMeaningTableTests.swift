@testable import FunnelServer
import FunnelCore
import Testing

/// The accumulator remembers a line by what it means (name, type, rate, the tags Funnel reads), within a bound.
@Suite struct StatsDMeaningTableTests {
    let parser = StatsDLineParser(mappings: [
        StatsDMapping(match: "*.*.latency", metricType: .timer, pipeline: "$1", stage: "$2"),
        StatsDMapping(match: "*.*.*", metricType: .counter, pipeline: "$1", stage: "$2", outcome: "$3"),
    ])

    /// Feeds `lines` as datagrams of at most 50 lines and returns the reasons of the lines refused.
    private func add(_ lines: [String], to accumulator: inout StatsDAccumulator) -> [StatsDLineRejection.Reason] {
        var rejected: [StatsDLineRejection.Reason] = []
        for chunk in stride(from: 0, to: lines.count, by: 50) {
            Array(lines[chunk..<min(chunk + 50, lines.count)].joined(separator: "\n").utf8).withUnsafeBytes { bytes in
                accumulator.add(bytes) { _, rejection in rejected.append(rejection.reason) }
            }
        }
        return rejected
    }

    @Test func linesDifferingOnlyInTagsFunnelIgnoresShareOneRememberedEntry() {
        var accumulator = StatsDAccumulator(parser: parser, seed: 26)
        let lines = (1...400).map { "orders.ingest.received:1|c|#env:prod,host:web-\($0)" }
            + ["orders.ingest.received:2|c", "orders.ingest.received:3|c|#host:web-9,c:abc|card:high", "orders.ingest.received:1|c|#flag"]
        #expect(add(lines, to: &accumulator).isEmpty)
        #expect(accumulator.rememberedLines == 1)
        let batch = accumulator.drain()
        #expect(batch.entries.stageReports == [StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 406)])
        #expect(batch.reportLines == [403])
    }

    @Test func aTagFunnelReadsStillTellsLinesApart() {
        var accumulator = StatsDAccumulator(parser: parser, seed: 26)
        let lines = [
            "funnel.events:1|c|#pipeline:pay,stage:auth,outcome:received,host:a",
            "funnel.events:1|c|#pipeline:pay,stage:auth,outcome:passed,host:a",
            "funnel.events:1|c|#host:b,outcome:passed,stage:auth,pipeline:pay",
            "funnel.events:1|c|#pipeline:pay,stage:capture,outcome:passed,host:a",
            "funnel.events:1|c|@0.5|#pipeline:pay,stage:auth,outcome:passed,host:a",
            "funnel.events:1|c|#pipeline:pay,stage:auth,outcome:passed,event_time:1700000000",
        ]
        #expect(add(lines, to: &accumulator).isEmpty)
        #expect(accumulator.rememberedLines == 5, "the same tags in another order, or another host, mean the same")
        let reports = accumulator.drain().entries.stageReports
        #expect(reports.map(\.count) == [1, 2, 1, 2, 1])
        #expect(reports.map(\.outcome) == [.received, .passed, .passed, .passed, .passed])
        #expect(reports.map(\.stage) == ["auth", "auth", "capture", "auth", "auth"])
        #expect(reports.last?.eventTimeMillis == 1_700_000_000_000)
    }

    @Test func aBadlyFormedIgnoredTagIsRefusedEvenWhenTheMeaningIsRemembered() {
        var accumulator = StatsDAccumulator(parser: parser, seed: 26)
        let rejected = add(["orders.ingest.received:1|c|#host:a", "orders.ingest.received:1|c|#host:a,:x", "orders.ingest.received:1|c|#host:a|#env:b"], to: &accumulator)
        #expect(rejected == [.badTag, .malformed])
        #expect(accumulator.drain().reportLines == [1])
    }

    @Test func theTableGrowsWithTheMeaningsItHoldsAndStaysAtMostAQuarterFull() {
        var accumulator = StatsDAccumulator(parser: parser, seed: 26)
        #expect(accumulator.slotCount == StatsDAccumulator.initialSlotCount)
        let lines = (0..<20_000).map { "p\($0 / 100).s\($0 % 100).passed:1|c|#host:h\($0 % 7)" }
        #expect(add(lines, to: &accumulator).isEmpty)
        #expect(accumulator.rememberedLines == 20_000)
        #expect(accumulator.slotCount >= 4 * 20_000 && accumulator.slotCount <= StatsDAccumulator.maximumSlotCount)
        let batch = accumulator.drain()
        #expect(batch.entries.stageReports.count == 20_000)
        #expect(batch.reportLines.allSatisfy { $0 == 1 })
        #expect(add(lines, to: &accumulator).isEmpty)
        #expect(accumulator.drain().entries.stageReports.count == 20_000, "every meaning found again after the table grew")
    }

    @Test func aFullTableForgetsTheMeaningsThatWentQuietAndNeverHoldsMore() {
        var accumulator = StatsDAccumulator(parser: parser, seed: 26)
        let capacity = StatsDAccumulator.capacity
        let old = (0..<capacity).map { "old\($0 / 1000).s\($0 % 1000).passed:1|c" }
        #expect(add(old, to: &accumulator).isEmpty)
        #expect(accumulator.rememberedLines == capacity)
        #expect(accumulator.drain().entries.stageReports.count == capacity)
        #expect(accumulator.rememberedLines == capacity, "every meaning was busy: none is forgotten")

        let new = (0..<1_000).map { "new.s\($0).failed:1|c" }
        #expect(add(new + new, to: &accumulator).isEmpty)
        #expect(accumulator.rememberedLines == capacity, "past the capacity, lines are kept one by one")
        let past = accumulator.drain()
        #expect(past.entries.stageReports.count == 2_000)
        #expect(past.lines == 2_000)
        #expect(accumulator.rememberedLines == 0, "the old meanings went quiet for a whole flush")

        #expect(add(new + new, to: &accumulator).isEmpty)
        #expect(accumulator.rememberedLines == 1_000)
        let summed = accumulator.drain()
        #expect(summed.entries.stageReports.count == 1_000)
        #expect(summed.entries.stageReports.allSatisfy { $0.count == 2 })
        #expect(accumulator.slotCount <= StatsDAccumulator.maximumSlotCount)
    }

    @Test func aTimerOfAQuietMeaningHoldsNoSamplesBetweenFlushes() {
        var accumulator = StatsDAccumulator(parser: parser, seed: 26)
        #expect(add(["orders.ingest.latency:5|ms|#host:a", "orders.ingest.latency:7|ms|#host:b"], to: &accumulator).isEmpty)
        let batch = accumulator.drain()
        #expect(batch.entries.latencies.map(\.observations.sketch.count) == [2])
        #expect(accumulator.drain().isEmpty)
        #expect(add(["orders.ingest.latency:9|ms|#host:c"], to: &accumulator).isEmpty)
        #expect(accumulator.drain().entries.latencies.map(\.observations.sketch.max) == [9])
        #expect(accumulator.rememberedLines == 1)
    }
}
