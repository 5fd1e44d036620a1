/// A pipeline's delivery objective: the share of ingested events its last stage must pass on, over a window.
public struct DeliverySLO: Sendable, Hashable, Codable {
    /// The objective, in (0, 1): `0.9999` allows one event in ten thousand to go undelivered.
    public var deliveryRatio: Double
    /// The window the objective is measured over, in seconds (`30d`).
    public var windowSeconds: Int64

    public init(deliveryRatio: Double, windowSeconds: Int64) {
        self.deliveryRatio = deliveryRatio
        self.windowSeconds = windowSeconds
    }

    /// The share of ingested events allowed to go undelivered: `1 - deliveryRatio`.
    public var budgetRatio: Double { 1 - self.deliveryRatio }
}
