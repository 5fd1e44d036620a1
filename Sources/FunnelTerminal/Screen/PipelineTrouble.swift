public import FunnelCore
/// How much trouble one pipeline is in: its active alarms and headline figures, for the overview of `funnel top`
/// and `funnel status --worst`.
public struct PipelineTrouble: Sendable, Hashable {
    public var pipeline: String
    public var firing: Int
    public var pending: Int
    /// The funnel's headline; nil while the pipeline's funnel has not been fetched.
    public var totals: FunnelTotals?
    /// End-to-end p95 latency over the latency window, in milliseconds.
    public var endToEndP95: Double?

    public init(pipeline: String, firing: Int = 0, pending: Int = 0, totals: FunnelTotals? = nil, endToEndP95: Double? = nil) {
        self.pipeline = pipeline
        self.firing = firing
        self.pending = pending
        self.totals = totals
        self.endToEndP95 = endToEndP95
    }

    /// Every pipeline of `names`, most trouble first.
    ///
    /// Firing alarms first, then pending ones, then the worst settled delivery ratio (a pipeline with nothing
    /// settled comes after every ratio), then the most events in flight; the server's order breaks the remaining ties.
    public static func ranked(_ names: [String], funnels: [String: PipelineFunnel], alarms: [AlarmStatus]) -> [PipelineTrouble] {
        let active = AlarmList(alarms: alarms).active
        let troubles = names.map { name in
            let own = active.filter { $0.pipeline == name }
            let funnel = funnels[name]
            return PipelineTrouble(
                pipeline: name, firing: own.filter { $0.state == .firing }.count, pending: own.filter { $0.state == .pending }.count,
                totals: funnel?.totals, endToEndP95: funnel?.endToEndLatencyMs.p95
            )
        }
        return troubles.enumerated().sorted { left, right in
            let order = left.element.compare(right.element)
            return order == 0 ? left.offset < right.offset : order < 0
        }.map(\.element)
    }

    /// Negative when `self` is in more trouble than `other`, positive when in less, 0 when alike.
    func compare(_ other: PipelineTrouble) -> Int {
        if (self.firing > 0) != (other.firing > 0) { return self.firing > 0 ? -1 : 1 }
        if (self.pending > 0) != (other.pending > 0) { return self.pending > 0 ? -1 : 1 }
        switch (self.totals?.deliveryRatio, other.totals?.deliveryRatio) {
        case (let mine?, let theirs?) where mine != theirs: return mine < theirs ? -1 : 1
        case (.some, nil): return -1
        case (nil, .some): return 1
        default: break
        }
        let mine = self.totals?.inFlight ?? 0
        let theirs = other.totals?.inFlight ?? 0
        return mine == theirs ? 0 : mine > theirs ? -1 : 1
    }
}
