/// How much of a pipeline's delivery error budget is left, from its settled counts.
///
/// The counts are those of the settled buckets starting within ``coveredSeconds`` before the settle boundary:
/// the SLO's window, or Funnel's retention when that is shorter (with the default `retention: 72h` and a 30-day
/// window, the last 72 hours). The budget is `(1 - objective) x ingested` undelivered events; what is spent is
/// `ingested - delivered` (never negative). ``remainingRatio`` is `1 - spent / budget`: 1 with nothing spent or
/// nothing ingested, 0 when the budget is used up, below 0 when it is overspent.
public struct ErrorBudget: Sendable, Hashable, Codable {
    /// The objective, `slo.delivery_ratio`.
    public var objective: Double
    /// `slo.window`, in seconds.
    public var windowSeconds: Int64
    /// The range the counts cover, in seconds: the window or the retention, whichever is shorter.
    public var coveredSeconds: Int64
    /// Settled events received by the first stage in the covered range.
    public var ingested: UInt64
    /// Settled events passed by the last stage in the covered range.
    public var delivered: UInt64
    /// The share of the budget left: 1 untouched, 0 used up, negative overspent.
    public var remainingRatio: Double

    /// The budget of `slo` given settled `ingested` and `delivered` over `coveredSeconds`.
    public init(slo: DeliverySLO, coveredSeconds: Int64, ingested: UInt64, delivered: UInt64) {
        self.objective = slo.deliveryRatio
        self.windowSeconds = slo.windowSeconds
        self.coveredSeconds = coveredSeconds
        self.ingested = ingested
        self.delivered = delivered
        let spent = ingested > delivered ? Double(ingested - delivered) : 0
        let budget = slo.budgetRatio * Double(ingested)
        self.remainingRatio = ingested == 0 ? 1 : 1 - spent / budget
    }
}
