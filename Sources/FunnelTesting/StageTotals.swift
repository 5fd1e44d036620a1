/// One stage's counts as the funnel API reports them, for comparing in tests.
public struct StageTotals: Sendable, Hashable, CustomStringConvertible {
    public var received: UInt64
    public var passed: UInt64
    public var failed: UInt64
    public var deadLettered: UInt64
    public var latencyCount: UInt64
    public var latencyMaxMillis: Double?

    public init(received: UInt64 = 0, passed: UInt64 = 0, failed: UInt64 = 0, deadLettered: UInt64 = 0, latencyCount: UInt64 = 0, latencyMaxMillis: Double? = nil) {
        self.received = received
        self.passed = passed
        self.failed = failed
        self.deadLettered = deadLettered
        self.latencyCount = latencyCount
        self.latencyMaxMillis = latencyMaxMillis
    }

    /// The four counts, without latency, for comparing counts alone.
    public var counts: [UInt64] { [self.received, self.passed, self.failed, self.deadLettered] }

    public var description: String {
        "received \(self.received), passed \(self.passed), failed \(self.failed), dead_lettered \(self.deadLettered), latency samples \(self.latencyCount)"
    }
}
