import FunnelCore

/// Events a reporter gave up on and has not logged yet, per cause: logged together, at most once per
/// ``FunnelReporter/lossLogInterval``, and whatever is left at shutdown.
struct UntoldLoss: Sendable, Hashable {
    /// Why events were given up on.
    enum Cause: Sendable, Hashable, Comparable {
        /// The buffer reached its memory bound while the server did not confirm.
        case memoryBound
        /// The server refused them for `reason` (its `reason` field, or the HTTP status without one).
        case refused(reason: String)
        /// The reporter stopped (shutdown timed out, or it was cancelled) before they were confirmed.
        case stopped
        /// They were recorded after the reporter stopped.
        case afterStop
    }

    /// What one cause took: events the server does not have, events it may have (sent, answer lost), and the
    /// batches they were in (for refusals, the series).
    struct Tally: Sendable, Hashable {
        var droppedEvents: UInt64 = 0
        var unconfirmedEvents: UInt64 = 0
        var batches = 0
        /// For refusals: the first refusal's message, e.g. `reports[0].event_time: ... is 7200s in the future`.
        var example: String?

        var events: UInt64 { self.droppedEvents.addingSaturated(self.unconfirmedEvents) }
    }

    private(set) var tallies: [Cause: Tally] = [:]

    var isEmpty: Bool { self.tallies.isEmpty }

    mutating func add(_ cause: Cause, dropped: UInt64 = 0, unconfirmed: UInt64 = 0, batches: Int = 1, example: String? = nil) {
        guard dropped > 0 || unconfirmed > 0 else { return }
        var tally = self.tallies[cause, default: Tally()]
        tally.droppedEvents = tally.droppedEvents.addingSaturated(dropped)
        tally.unconfirmedEvents = tally.unconfirmedEvents.addingSaturated(unconfirmed)
        tally.batches += batches
        if tally.example == nil { tally.example = example }
        self.tallies[cause] = tally
    }

    /// The tallies by cause, in a fixed order, and forgets them.
    mutating func take() -> [(cause: Cause, tally: Tally)] {
        defer { self.tallies = [:] }
        return self.tallies.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
