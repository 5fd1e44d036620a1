/// An alarm as `GET /api/v1/alarms` shows it.
public struct AlarmStatus: Sendable, Hashable, Codable {
    public var name: String
    public var kind: String
    public var state: AlarmState
    /// When the alarm entered its current pending or firing state (RFC 3339).
    public var since: String?
    /// The last measured value, in the kind's unit (depth, ratio, events/min, ms, seconds).
    public var value: Double?
    public var threshold: Double
    /// One line saying what is wrong and where, with the numbers.
    public var summary: String
    public var pipeline: String
    public var stage: String?
    public var queue: String?
    public var labels: [String: String]
    /// When a firing alarm last cleared (RFC 3339).
    public var resolvedAt: String?
    /// The value a `by` rule's alarm watches (`{"label": "tenant", "value": "acme"}`); nil for a rule without `by`.
    public var group: AlarmGroup?

    public init(
        name: String, kind: String, state: AlarmState, since: String?, value: Double?, threshold: Double, summary: String,
        pipeline: String, stage: String?, queue: String?, labels: [String: String], resolvedAt: String? = nil,
        group: AlarmGroup? = nil
    ) {
        self.name = name
        self.kind = kind
        self.state = state
        self.since = since
        self.value = value
        self.threshold = threshold
        self.summary = summary
        self.pipeline = pipeline
        self.stage = stage
        self.queue = queue
        self.labels = labels
        self.resolvedAt = resolvedAt
        self.group = group
    }
}
