import Synchronization

/// Counts report requests in progress, so the server can refuse more than it can hold instead of queueing them.
final class InFlightRequests: Sendable {
    private let count = Atomic<Int>(0)

    /// Takes a place if fewer than `limit` are taken; returns whether it did.
    func enter(limit: Int) -> Bool {
        let now = self.count.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        if now > limit {
            self.count.wrappingSubtract(1, ordering: .acquiringAndReleasing)
            return false
        }
        return true
    }

    func leave() {
        self.count.wrappingSubtract(1, ordering: .acquiringAndReleasing)
    }
}
