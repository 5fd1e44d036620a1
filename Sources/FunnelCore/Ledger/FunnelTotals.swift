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
    /// Failed at any stage, settled: given up knowingly, neither missing nor recoverable.
    public var settledFailed: UInt64
    /// Redriven plus replayed at every stage, settled: events that came back after they were lost or dead-lettered.
    public var recovered: UInt64
    /// Dead-lettered and not redriven at every stage, settled: what the dead-letter queues still hold.
    public var recoverable: UInt64
    /// settled ingested - delivered - failed - recoverable, never negative: gone with no way back.
    public var netMissing: UInt64
    /// (settled delivered + recoverable) / settled ingested; nil until something has settled.
    public var recoverableDeliveryRatio: Double?

    public init(
        ingested: UInt64, delivered: UInt64, settledIngested: UInt64, settledDelivered: UInt64, deliveryRatio: Double?,
        lost: UInt64, excess: UInt64, inFlight: UInt64, recovery: RecoveryFigures = RecoveryFigures()
    ) {
        self.ingested = ingested
        self.delivered = delivered
        self.settledIngested = settledIngested
        self.settledDelivered = settledDelivered
        self.deliveryRatio = deliveryRatio
        self.lost = lost
        self.excess = excess
        self.inFlight = inFlight
        self.settledFailed = recovery.failed
        self.recovered = recovery.recovered
        self.recoverable = recovery.recoverable
        self.netMissing = recovery.netMissing
        self.recoverableDeliveryRatio = recovery.recoverableDeliveryRatio
    }
}

extension FunnelTotals {
    /// `delivered / ingested`; nil when nothing was ingested.
    static func deliveryRatio(ingested: UInt64, delivered: UInt64) -> Double? {
        ingested == 0 ? nil : Double(delivered) / Double(ingested)
    }
}
