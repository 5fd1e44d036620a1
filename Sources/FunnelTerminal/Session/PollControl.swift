public import FunnelCore
import Synchronization

/// What the poller needs from the screen loop: the window to ask for, the label split (if any), when to poll next,
/// and a way to poll now.
public final class PollControl: Sendable {
    struct State {
        var window: LatencyWindow
        var grouping: TopGrouping?
        var delaySeconds: Double
        var generation = 0
        var nextPollAtSeconds: Double?
    }

    private let state: Mutex<State>

    public init(window: LatencyWindow, delaySeconds: Double) {
        self.state = Mutex(State(window: window, delaySeconds: delaySeconds))
    }

    public var window: LatencyWindow { self.state.withLock { $0.window } }
    /// The pipeline and label whose groups to fetch too, while the screen shows them.
    public var grouping: TopGrouping? { self.state.withLock { $0.grouping } }
    public var delaySeconds: Double { self.state.withLock { $0.delaySeconds } }
    public var generation: Int { self.state.withLock { $0.generation } }
    /// When the next poll is due on the session's monotonic clock, while the poller waits.
    public var nextPollAtSeconds: Double? { self.state.withLock { $0.nextPollAtSeconds } }

    /// Asks for a poll now, with `window` and `grouping`.
    public func pollNow(window: LatencyWindow, grouping: TopGrouping? = nil) {
        self.state.withLock {
            $0.window = window
            $0.grouping = grouping
            $0.generation += 1
        }
    }

    /// Sets the label split the next polls fetch, without polling now.
    public func setGrouping(_ grouping: TopGrouping?) {
        self.state.withLock { $0.grouping = grouping }
    }

    /// Sets the wait before the next poll: the refresh interval, or the backoff while polls fail.
    public func setDelay(_ seconds: Double) {
        self.state.withLock { $0.delaySeconds = seconds }
    }

    func setNextPoll(at seconds: Double?) {
        self.state.withLock { $0.nextPollAtSeconds = seconds }
    }
}
