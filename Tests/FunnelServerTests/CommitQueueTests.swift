@testable import FunnelServer
import Testing

/// The group committer's decisions, without a database.
@Suite struct CommitQueueTests {
    @Test func writesInArrivalOrderInGroupsOfAtMostTheMaximum() {
        var queue = CommitQueue<Int>(maximumGroup: 3)
        for item in 1...7 {
            let queued = queue.enqueue(item)
            #expect(queued)
        }
        var groups: [[Int]] = []
        while case .write(let group) = queue.next() { groups.append(group) }
        #expect(groups == [[1, 2, 3], [4, 5, 6], [7]])
        guard case .wait = queue.next() else {
            Issue.record("an open, empty queue must wait")
            return
        }
    }

    @Test func closingWritesWhatIsQueuedThenFinishesAndRefusesNewItems() {
        var queue = CommitQueue<String>(maximumGroup: 10)
        let queuedA = queue.enqueue("a")
        #expect(queuedA)
        let queuedB = queue.enqueue("b")
        #expect(queuedB)
        #expect(queue.isReady)
        queue.close()
        let late = queue.enqueue("late")
        #expect(!late, "an item after close is refused")
        guard case .write(let group) = queue.next() else {
            Issue.record("what was queued before close must still be written")
            return
        }
        #expect(group == ["a", "b"])
        guard case .finished = queue.next() else {
            Issue.record("a closed, drained queue must finish")
            return
        }
        #expect(queue.isReady, "a closed queue never waits")
    }

    @Test func aGroupIsNeverEmptyAndTheMaximumIsAtLeastOne() {
        var queue = CommitQueue<Int>(maximumGroup: 0)
        let queued1 = queue.enqueue(1)
        #expect(queued1)
        let queued2 = queue.enqueue(2)
        #expect(queued2)
        guard case .write(let first) = queue.next(), case .write(let second) = queue.next() else {
            Issue.record("two items must be written")
            return
        }
        #expect(first == [1])
        #expect(second == [2])
    }
}
