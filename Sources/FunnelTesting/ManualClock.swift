import Synchronization

/// A clock tests set and advance by hand, handed to the server as its `@Sendable () -> Int64` wall clock.
public final class ManualClock: Sendable {
    private let millis: Mutex<Int64>

    public init(millis: Int64) {
        self.millis = Mutex(millis)
    }

    public var now: Int64 { self.millis.withLock { $0 } }

    public func advance(byMillis delta: Int64) {
        self.millis.withLock { $0 += delta }
    }

    /// The closure form the server takes.
    public var closure: @Sendable () -> Int64 { { self.now } }
}
