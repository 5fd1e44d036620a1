/// A pipeline's headline figures: what came in, what came out, and what vanished.
public struct FunnelTotals: Sendable, Hashable, Codable {
    /// Received by the first stage.
    public var ingested: UInt64
    /// Passed by the last stage.
    public var delivered: UInt64
    public var settledIngested: UInt64
    public var settledDelivered: UInt64
    /// settled delivered / settled ingested; nil until something has settled.
    public var deliveryRatio: Double?
    /// Silent plus transit loss, settled.
    public var lost: UInt64
    public var excess: UInt64
    public var inFlight: UInt64

    public init(
        ingested: UInt64, delivered: UInt64, settledIngested: UInt64, settledDelivered: UInt64, deliveryRatio: Double?,
        lost: UInt64, excess: UInt64, inFlight: UInt64
    ) {
        self.ingested = ingested
        self.delivered = delivered
        self.settledIngested = settledIngested
        self.settledDelivered = settledDelivered
        self.deliveryRatio = deliveryRatio
        self.lost = lost
        self.excess = excess
        self.inFlight = inFlight
    }
}

extension FunnelTotals {
    /// `delivered / ingested`; nil when nothing was ingested.
    static func deliveryRatio(ingested: UInt64, delivered: UInt64) -> Double? {
        ingested == 0 ? nil : Double(delivered) / Double(ingested)
    }
}
