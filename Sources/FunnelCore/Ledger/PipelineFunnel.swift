/// A pipeline's funnel over a range of event time: every stage in order, every hop, and the totals.
public struct PipelineFunnel: Sendable, Hashable, Codable {
    public var pipeline: String
    /// Start of the event-time range (RFC 3339), or nil for everything retained.
    public var from: String?
    /// End of the event-time range (RFC 3339, exclusive), or nil for everything retained.
    public var to: String?
    public var bucketSeconds: Int64
    public var settleAfterSeconds: Int64
    /// Buckets starting before this instant are settled (RFC 3339).
    public var settledBefore: String?
    /// The arrival-time window the latency figures cover.
    public var latencyWindow: LatencyWindow
    /// Latency from entering the pipeline to delivery, in milliseconds, over the latency window.
    public var endToEndLatencyMs: LatencyQuantiles
    public var stages: [StageFunnel]
    public var transit: [TransitFunnel]
    public var totals: FunnelTotals
    /// Per-bucket detail, when asked for.
    public var buckets: [BucketFunnel]?
    /// The label values the funnel is restricted to (`label=tenant:acme`), if any.
    public var labels: [String: String]?
    /// The delivery error budget left, when the pipeline declares an objective (`slo:`); independent of the range.
    public var errorBudget: ErrorBudget?

    public init(
        pipeline: String, from: String? = nil, to: String? = nil, bucketSeconds: Int64 = 60, settleAfterSeconds: Int64 = 300,
        settledBefore: String? = nil, latencyWindow: LatencyWindow = .fiveMinutes,
        endToEndLatencyMs: LatencyQuantiles = LatencyQuantiles(), stages: [StageFunnel], transit: [TransitFunnel],
        totals: FunnelTotals, buckets: [BucketFunnel]? = nil
    ) {
        self.pipeline = pipeline
        self.from = from
        self.to = to
        self.bucketSeconds = bucketSeconds
        self.settleAfterSeconds = settleAfterSeconds
        self.settledBefore = settledBefore
        self.latencyWindow = latencyWindow
        self.endToEndLatencyMs = endToEndLatencyMs
        self.stages = stages
        self.transit = transit
        self.totals = totals
        self.buckets = buckets
    }
}
