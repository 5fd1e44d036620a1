/// The group committer's decisions, apart from its I/O: what to write next, when to wait, when to stop.
///
/// Items are written in the order they came, at most `maximumGroup` per transaction. Closing lets what is queued
/// be written and refuses what comes after.
struct CommitQueue<Item> {
    /// What the committer does next.
    enum Next {
        /// Write these items in one transaction.
        case write([Item])
        /// Nothing is queued: wait for an item or for the queue to close.
        case wait
        /// Closed and drained: stop.
        case finished
    }

    private var items: [Item] = []
    private(set) var isClosed = false
    let maximumGroup: Int

    init(maximumGroup: Int) {
        self.maximumGroup = max(1, maximumGroup)
    }

    /// Queues `item`; false when the queue is closed and the item must be refused.
    mutating func enqueue(_ item: Item) -> Bool {
        guard !self.isClosed else { return false }
        self.items.append(item)
        return true
    }

    /// Takes the next group to write, or says to wait or to stop.
    mutating func next() -> Next {
        if !self.items.isEmpty {
            let group = Array(self.items.prefix(self.maximumGroup))
            self.items.removeFirst(group.count)
            return .write(group)
        }
        return self.isClosed ? .finished : .wait
    }

    /// Refuses new items from now on; what is queued is still written.
    mutating func close() {
        self.isClosed = true
    }

    /// Whether `next()` would write or stop rather than wait.
    var isReady: Bool { !self.items.isEmpty || self.isClosed }
}
