/// One alarm as `GET /api/v1/alarms` lists it.
///
/// The JSON shape (with snake_case keys) is
/// `{"name", "kind", "state", "since", "value", "threshold", "summary", "pipeline", "stage", "queue", "labels"}`;
/// `since`, `value`, `pipeline`, `stage` and `queue` are written as `null` when absent, so every key is always there.
public struct AlarmStatus: Sendable, Hashable, Codable {
    /// The rule's name, e.g. `orders-dlq`.
    public var name: String
    /// What the rule watches, e.g. `dlq_depth`, `stage_loss`, `delivery_ratio`.
    public var kind: String
    public var state: AlarmState
    /// When the alarm entered its current state (RFC 3339); nil while inactive.
    public var since: String?
    /// The last evaluated value, when there is one.
    public var value: Double?
    public var threshold: Double
    /// One line for humans, e.g. `orders-dlq depth 340 (threshold 100)`.
    public var summary: String
    public var pipeline: String?
    public var stage: String?
    public var queue: String?
    public var labels: [String: String]

    public init(
        name: String, kind: String, state: AlarmState, since: String? = nil, value: Double? = nil, threshold: Double,
        summary: String, pipeline: String? = nil, stage: String? = nil, queue: String? = nil, labels: [String: String] = [:]
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
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, state, since, value, threshold, summary, pipeline, stage, queue, labels
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decode(String.self, forKey: .name)
        self.kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? ""
        self.state = try container.decode(AlarmState.self, forKey: .state)
        self.since = try container.decodeIfPresent(String.self, forKey: .since)
        self.value = try container.decodeIfPresent(Double.self, forKey: .value)
        self.threshold = try container.decodeIfPresent(Double.self, forKey: .threshold) ?? 0
        self.summary = try container.decodeIfPresent(String.self, forKey: .summary) ?? self.name
        self.pipeline = try container.decodeIfPresent(String.self, forKey: .pipeline)
        self.stage = try container.decodeIfPresent(String.self, forKey: .stage)
        self.queue = try container.decodeIfPresent(String.self, forKey: .queue)
        self.labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.kind, forKey: .kind)
        try container.encode(self.state, forKey: .state)
        try container.encode(self.since, forKey: .since)
        try container.encode(self.value, forKey: .value)
        try container.encode(self.threshold, forKey: .threshold)
        try container.encode(self.summary, forKey: .summary)
        try container.encode(self.pipeline, forKey: .pipeline)
        try container.encode(self.stage, forKey: .stage)
        try container.encode(self.queue, forKey: .queue)
        try container.encode(self.labels, forKey: .labels)
    }
}
