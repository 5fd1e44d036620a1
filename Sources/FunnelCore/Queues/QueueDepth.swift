/// The last known depth of one dead-letter queue, as `GET /api/v1/dlq` lists it.
///
/// JSON: `{"pipeline", "queue", "depth", "updated_at", "age_seconds", "stale"}` with snake_case keys.
public struct QueueDepth: Sendable, Hashable, Codable {
    public var pipeline: String
    public var queue: String
    /// Messages in the queue at the last reading.
    public var depth: Double
    /// When the last reading arrived (RFC 3339).
    public var updatedAt: String?
    /// Seconds since the last reading, as the server saw it.
    public var ageSeconds: Double?
    /// True when no reading arrived for a while: the depth may be out of date.
    public var stale: Bool

    public init(pipeline: String, queue: String, depth: Double, updatedAt: String? = nil, ageSeconds: Double? = nil, stale: Bool = false) {
        self.pipeline = pipeline
        self.queue = queue
        self.depth = depth
        self.updatedAt = updatedAt
        self.ageSeconds = ageSeconds
        self.stale = stale
    }

    enum CodingKeys: String, CodingKey {
        case pipeline, queue, depth, updatedAt, ageSeconds, stale
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.pipeline = try container.decode(String.self, forKey: .pipeline)
        self.queue = try container.decode(String.self, forKey: .queue)
        self.depth = try container.decode(Double.self, forKey: .depth)
        self.updatedAt = try container.decodeIfPresent(String.self, forKey: .updatedAt)
        self.ageSeconds = try container.decodeIfPresent(Double.self, forKey: .ageSeconds)
        self.stale = try container.decodeIfPresent(Bool.self, forKey: .stale) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.pipeline, forKey: .pipeline)
        try container.encode(self.queue, forKey: .queue)
        try container.encode(self.depth, forKey: .depth)
        try container.encode(self.updatedAt, forKey: .updatedAt)
        try container.encode(self.ageSeconds, forKey: .ageSeconds)
        try container.encode(self.stale, forKey: .stale)
    }

    /// `pipeline/queue`, the key the client keeps a queue's history under.
    public var key: String { "\(self.pipeline)/\(self.queue)" }
}
