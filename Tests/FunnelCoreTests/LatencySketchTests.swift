import Foundation
import FunnelCore
import SeededRandom
import Testing

@Suite struct LatencySketchTests {
    static let quantiles = [0.5, 0.9, 0.95, 0.99, 0.999]

    /// The exact value of rank q × (n − 1) in sorted order, the definition the sketch follows.
    static func exact(_ sorted: [Double], _ q: Double) -> Double {
        sorted[Int((q * Double(sorted.count - 1)).rounded(.down))]
    }

    static func samples(_ distribution: String, count: Int) -> [Double] {
        var generator = SeededGenerator(state: 42)
        switch distribution {
        case "lognormal":
            // Median 40 ms, long right tail.
            return (0..<count).map { _ in exp(log(40) + 1.2 * generator.normal()) }
        default:
            // 97% fast path around 8 ms, 3% retries around 1.5 s.
            return (0..<count).map { _ in
                Double.random(in: 0..<1, using: &generator) < 0.97
                    ? exp(log(8) + 0.3 * generator.normal())
                    : exp(log(1500) + 0.4 * generator.normal())
            }
        }
    }

    @Test(arguments: ["lognormal", "bimodal"])
    func everyQuantileIsWithinOnePercentOfTheExactValue(distribution: String) throws {
        let values = Self.samples(distribution, count: 1_000_000)
        var sketch = LatencySketch()
        for value in values { sketch.record(value) }
        let sorted = values.sorted()
        #expect(sketch.count == 1_000_000)
        for q in Self.quantiles {
            let exact = Self.exact(sorted, q)
            let estimate = try #require(sketch.quantile(q))
            #expect(abs(estimate - exact) / exact <= 0.01, "p\(q * 100) of \(distribution): \(estimate) vs exact \(exact)")
        }
        #expect(sketch.max == sorted.last)
        #expect(abs(sketch.mean! - values.reduce(0, +) / Double(values.count)) < 1e-6 * sketch.mean!)
        #expect(sketch.byteCount <= LatencySketch.maximumBucketCount * 8 + 256)
    }

    @Test func mergingSketchesEqualsTheSketchOfTheUnion() {
        let values = Self.samples("bimodal", count: 100_000)
        var union = LatencySketch()
        var parts = [LatencySketch(), LatencySketch(), LatencySketch()]
        for (index, value) in values.enumerated() {
            union.record(value)
            parts[index % 3].record(value)
        }
        var merged = LatencySketch()
        for part in parts.reversed() { merged.merge(part) }
        for q in Self.quantiles + [0, 1] {
            #expect(merged.quantile(q) == union.quantile(q))
        }
        #expect(merged.count == union.count)
        #expect(merged.max == union.max)
        #expect(merged.min == union.min)
    }

    @Test func coversOneMicrosecondToOneHour() throws {
        for value in [0.001, 0.0137, 1, 999.5, 3_599_999.0] {
            var sketch = LatencySketch()
            sketch.record(value, count: 3)
            sketch.record(value * 1.5)
            let median = try #require(sketch.quantile(0.5))
            #expect(abs(median - value) / value <= LatencySketch.relativeAccuracy + 1e-9, "value \(value) -> \(median)")
        }
    }

    @Test func weightedRecordCountsEveryEvent() {
        var sketch = LatencySketch()
        sketch.record(40, count: 99)
        sketch.record(4000, count: 1)
        #expect(sketch.count == 100)
        #expect(sketch.quantile(0.5).map { abs($0 - 40) / 40 <= 0.01 } == true)
        #expect(sketch.quantile(1) == 4000)
        let expectedMean: Double = (40 * 99 + 4000) / 100
        #expect(sketch.mean == expectedMean)
    }

    @Test func zeroAndSubMicrosecondValuesCountAsZero() {
        var sketch = LatencySketch()
        sketch.record(0, count: 5)
        sketch.record(0.0001)
        sketch.record(10)
        #expect(sketch.zeroCount == 6)
        #expect(sketch.quantile(0.5) == 0)
        #expect(sketch.quantile(1) == 10)
    }

    @Test func emptySketchHasNoQuantiles() {
        #expect(LatencySketch().quantile(0.5) == nil)
        #expect(LatencySketch().mean == nil)
    }
}

@Suite struct LatencyWindowTests {
    /// 2026-11-26T10:15:00Z: a multiple of every slice width.
    let t0: Int64 = 1_795_688_100

    @Test(arguments: LatencyWindow.allCases)
    func sampleLeavesItsWindowExactlyWhenTheWindowHasPassed(window: LatencyWindow) {
        var series = SlicedSketches(window: window)
        var sketch = LatencySketch()
        sketch.record(25)
        series.add(sketch, nowSeconds: t0)
        #expect(series.merged(nowSeconds: t0).count == 1)
        #expect(series.merged(nowSeconds: t0 + window.seconds - 1).count == 1)
        #expect(series.merged(nowSeconds: t0 + window.seconds).count == 0)
        series.expire(nowSeconds: t0 + window.seconds)
        #expect(series.byteCount == 0)
    }

    @Test func windowsMergeTheirSlicesAndForgetOldOnes() throws {
        var ledger = FunnelLedger()
        func post(_ millis: Double, at seconds: Int64) throws {
            let report = StageReport(pipeline: "p", stage: "s", outcome: .passed, count: 1, latencyMillis: millis, endToEndMillis: millis * 10)
            let batch = try ledger.admit([report], nowMillis: seconds * 1000)
            ledger.apply(batch, nowMillis: seconds * 1000)
        }
        try post(10, at: t0)
        try post(20, at: t0 + 30)
        try post(30, at: t0 + 90)
        let now = (t0 + 100) * 1000
        let key = StageKey(pipeline: "p", stage: "s")
        #expect(ledger.latency.sketch(stage: key, window: .oneMinute, nowMillis: now).count == 1)
        #expect(ledger.latency.sketch(stage: key, window: .fiveMinutes, nowMillis: now).count == 3)
        #expect(ledger.latency.sketch(stage: key, window: .oneHour, nowMillis: (t0 + 3599) * 1000).count == 3)
        // The samples at t0 and t0+30 share the minute slice starting at t0, which leaves the hour at t0+3600.
        #expect(ledger.latency.sketch(stage: key, window: .oneHour, nowMillis: (t0 + 3600) * 1000).count == 1)
        let oneMinute = try #require(ledger.latency.sketch(stage: key, window: .oneMinute, nowMillis: now).quantile(0.5))
        #expect(abs(oneMinute - 30) / 30 <= 0.01)
        #expect(ledger.latency.endToEndSketch(pipeline: "p", window: .fiveMinutes, nowMillis: now).max == 300)
        // The histogram is cumulative, never windowed.
        #expect(ledger.latency.stages[key]?.histogram.count == 3)
    }
}

@Suite struct LatencyHistogramTests {
    @Test func bucketsAreCumulativeWithUpperBoundsInclusive() {
        var histogram = LatencyHistogram(bounds: [0.01, 0.1, 1])
        histogram.record(10)   // exactly 0.01 s
        histogram.record(50, count: 2)
        histogram.record(5000)
        #expect(histogram.cumulativeCounts == [1, 3, 3, 4])
        #expect(histogram.count == 4)
        #expect(abs(histogram.sumSeconds - 5.11) < 1e-9)
    }
}
