/// The hop between two consecutive stages: passed by `from` but never received by `to` is transit loss.
public struct TransitFunnel: Sendable, Hashable, Codable {
    public var from: String
    public var to: String
    /// Passed by `from` in settled buckets.
    public var passed: UInt64
    /// Received by `to` in settled buckets.
    public var received: UInt64
    public var lost: UInt64
    public var inFlight: UInt64
    public var excess: UInt64
    public var lossShare: Double

    public init(
        from: String, to: String, passed: UInt64, received: UInt64, lost: UInt64, inFlight: UInt64, excess: UInt64,
        lossShare: Double
    ) {
        self.from = from
        self.to = to
        self.passed = passed
        self.received = received
        self.lost = lost
        self.inFlight = inFlight
        self.excess = excess
        self.lossShare = lossShare
    }
}
