import FunnelCore
import Testing

@Suite struct QueueDepthHistoryTests {
    let key = QueueKey(pipeline: "orders", queue: "orders-dlq")

    @Test func eachSpacingSlotKeepsItsNewestDepth() {
        var depths = QueueDepths()
        depths.record(self.key, depth: 1, observedMillis: 100_000)
        depths.record(self.key, depth: 2, observedMillis: 105_000)
        depths.record(self.key, depth: 3, observedMillis: 110_000)
        depths.record(self.key, depth: 9, observedMillis: 90_000)
        #expect(depths.history[self.key]?.map(\.depth) == [2, 3], "one point per 10 s slot; an older report changes nothing")
        #expect(depths.queues[self.key]?.depth == 3)
    }

    @Test func theHistoryStopsAtItsLimitAndLeavesEqualityAlone() {
        var depths = QueueDepths()
        for index in 0..<(QueueDepths.historyLimit + 5) {
            depths.record(self.key, depth: UInt64(index), observedMillis: Int64(index) * QueueDepths.historySpacingMillis)
        }
        let points = depths.history[self.key] ?? []
        #expect(points.count == QueueDepths.historyLimit)
        #expect(points.first?.depth == 5 && points.last?.depth == UInt64(QueueDepths.historyLimit + 4))
        var restored = QueueDepths()
        restored.record(self.key, depth: UInt64(QueueDepths.historyLimit + 4), observedMillis: Int64(QueueDepths.historyLimit + 4) * QueueDepths.historySpacingMillis)
        #expect(restored == depths, "a ledger restored from its last depths equals the one that saw them all")
    }
}
