import FunnelCore
import FunnelTerminal
import Testing

/// `funnel top` and `funnel status` draw numbers a server sent: no value, however large or odd, traps them.
@Suite struct TerminalNumberRangeTests {
    static let values: [Double] = [
        0, -0.0, .leastNonzeroMagnitude, 0.5, 99.95, 1e15, 9.3e18, 1.8446744073709552e19, 1e30, 1e300, .greatestFiniteMagnitude, -1e300,
        .infinity, -.infinity, .nan,
    ]

    @Test(arguments: values)
    func numberTextWritesEveryValueWithoutTrapping(value: Double) {
        #expect(!NumberText.compact(value).isEmpty)
        #expect(!NumberText.rate(value).isEmpty)
        #expect(!NumberText.percent(value).isEmpty)
        #expect(!NumberText.latency(value).isEmpty)
        #expect(!NumberText.age(value).isEmpty)
        #expect(!NumberText.fixed(value, digits: 2).isEmpty)
        #expect(BlockGraphics.bar(value, scale: 1, width: 10).count <= 10)
        #expect(BlockGraphics.bar(1, scale: value, width: 10).count <= 10)
        #expect(BlockGraphics.sparkline([value, 1, value], width: 3).count == 3)
    }

    @Test(arguments: [UInt64(0), 1, UInt64(Int64.max), .max])
    func funnelBarsFitTheirWidthWhateverTheCounts(count: UInt64) {
        let bar = BlockGraphics.funnelBar(received: .max, passed: count, scale: 1, width: 20)
        #expect(bar.passed.count + bar.rest.count <= 20)
        #expect(NumberText.count(count).count <= 7)
    }
}
