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

    // MARK: Declared labels

    /// `orders` declares `tenant` and `version`; `pay` declares none.
    var labelledParser: StatsDLineParser {
        StatsDLineParser(mappings: self.parser.mappings, labels: StatsDDeclaredLabels(["orders": ["tenant", "version"]]))
    }

    @Test func aDeclaredLabelTagTellsLinesApartWhereAnIgnoredTagDoesNot() {
        var accumulator = StatsDAccumulator(parser: labelledParser, seed: 20)
        let lines = (0..<40).map { "orders.ingest.received:1|c|#tenant:t\($0 % 4),host:web-\($0)" }
            + ["orders.ingest.received:5|c|#host:web-1,env:prod", "orders.ingest.received:2|c|#version:2.4.1,host:a,tenant:t1", "orders.ingest.received:3|c|#tenant:t1,version:2.4.1"]
        #expect(add(lines, to: &accumulator).isEmpty)
        #expect(accumulator.rememberedLines == 6, "4 tenants, none, and t1 with a version, whatever the hosts and the order of the tags")
        let batch = accumulator.drain()
        let counts = Dictionary(uniqueKeysWithValues: batch.entries.stageReports.map { ($0.labels, $0.count) })
        #expect(counts == [
            ["tenant": "t0"]: 10, ["tenant": "t1"]: 10, ["tenant": "t2"]: 10, ["tenant": "t3"]: 10, [:]: 5, ["tenant": "t1", "version": "2.4.1"]: 5,
        ])
        #expect(batch.reportLines.reduce(0, +) == 43)
    }

    @Test func labelTagsOfAPipelineThatDoesNotDeclareThemAndOfTimersAreIgnored() {
        var accumulator = StatsDAccumulator(parser: labelledParser, seed: 20)
        let lines = ["pay.auth.received:1|c|#tenant:acme", "pay.auth.received:1|c|#tenant:globex", "pay.auth.received:1|c|#tenant:__other__"]
            + ["orders.ingest.latency:5|ms|#tenant:acme", "orders.ingest.latency:7|ms|#tenant:globex,host:b"]
        #expect(add(lines, to: &accumulator).isEmpty)
        let batch = accumulator.drain()
        #expect(batch.entries.stageReports.allSatisfy { $0.labels.isEmpty && $0.pipeline == "pay" })
        #expect(batch.entries.stageReports.reduce(0) { $0 + $1.count } == 3)
        #expect(batch.entries.latencies.map(\.observations.sketch.count) == [2], "a timer carries no labels: one meaning")
    }

    @Test(arguments: [
        ("orders.ingest.received:1|c|#tenant:__other__", "__other__"),
        ("orders.ingest.received:1|c|#tenant:" + String(repeating: "x", count: 129), "at most 128 bytes"),
        ("orders.ingest.received:1|c|#tenant:a\u{01}b", "control characters"),
        ("orders.ingest.received:1|c|#tenant:acme,host:a,tenant:globex", "appears twice"),
        ("orders.ingest.received:1|c|#tenant", "needs a value"),
        ("orders.ingest.received:1|c|#tenant:", "needs a value"),
    ])
    func aBadLabelValueIsRefusedAsABadTagAndNeverRemembered(line: String, problem: String) throws {
        var accumulator = StatsDAccumulator(parser: labelledParser, seed: 20)
        var rejections: [StatsDLineRejection] = []
        for _ in 0..<2 {
            Array(line.utf8).withUnsafeBytes { bytes in accumulator.add(bytes) { _, rejection in rejections.append(rejection) } }
        }
        #expect(rejections.map(\.reason) == [.badTag, .badTag])
        #expect(rejections.first?.message.contains(problem) == true, "\(rejections.first?.message ?? "")")
        #expect(accumulator.rememberedLines == 0)
        #expect(accumulator.drain().isEmpty)
        #expect(throws: StatsDLineRejection.self) { try labelledParser.parse(line) }
    }

    @Test func aLineByItselfCarriesTheSameLabels() throws {
        let parsed = try labelledParser.parse("funnel.events:4|c|#outcome:passed,tenant:acme,stage:ship,pipeline:orders,host:h")
        #expect(parsed == .events(StageReport(pipeline: "orders", stage: "ship", outcome: .passed, count: 4, labels: ["tenant": "acme"])))
    }
}
