/// A pipeline's funnel split by one declared label: one full funnel per value, worst settled loss first.
public struct GroupedFunnel: Sendable, Hashable, Codable {
    /// The funnel of the reports that carried one value of the label (`""`: reports that left it out).
    public struct Group: Sendable, Hashable, Codable {
        public var value: String
        public var stages: [StageFunnel]
        public var transit: [TransitFunnel]
        public var totals: FunnelTotals
        /// Per-bucket detail, when asked for.
        public var buckets: [BucketFunnel]?

        public init(value: String, stages: [StageFunnel], transit: [TransitFunnel], totals: FunnelTotals, buckets: [BucketFunnel]? = nil) {
            self.value = value
            self.stages = stages
            self.transit = transit
            self.totals = totals
            self.buckets = buckets
        }
    }

    public var pipeline: String
    /// The label the funnel is split by.
    public var by: String
    /// The label values every group is restricted to (`label=tenant:acme`), if any.
    public var labels: [String: String]?
    public var from: String?
    public var to: String?
    public var bucketSeconds: Int64
    public var settleAfterSeconds: Int64
    public var settledBefore: String?
    /// How many values the label has in the range before `limit` kept the first ones.
    public var groupCount: Int
    public var groups: [Group]

    public init(
        pipeline: String, by: String, labels: [String: String]? = nil, from: String? = nil, to: String? = nil, bucketSeconds: Int64 = 60,
        settleAfterSeconds: Int64 = 300, settledBefore: String? = nil, groupCount: Int, groups: [Group]
    ) {
        self.pipeline = pipeline
        self.by = by
        self.labels = labels
        self.from = from
        self.to = to
        self.bucketSeconds = bucketSeconds
        self.settleAfterSeconds = settleAfterSeconds
        self.settledBefore = settledBefore
        self.groupCount = groupCount
        self.groups = groups
    }
}
