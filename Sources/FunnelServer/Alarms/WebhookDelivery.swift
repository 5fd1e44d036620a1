/// One notification body waiting in the outbox for one receiver.
public struct WebhookDelivery: Sendable, Hashable {
    public var id: Int64
    public var receiver: String
    /// The alarm it is about; nil for rows queued before the outbox recorded it (they are never merged).
    public var alarm: String?
    public var idempotencyKey: String
    public var body: [UInt8]
    /// Attempts made so far.
    public var attempts: Int
}

/// A notification to queue in the outbox: one alarm's state change, rendered for one receiver.
public struct OutboxEntry: Sendable, Hashable {
    public var receiver: String
    /// The alarm's name: a newer entry for the same alarm and receiver supersedes the older ones still waiting.
    public var alarm: String
    public var idempotencyKey: String
    public var body: [UInt8]

    public init(receiver: String, alarm: String, idempotencyKey: String, body: [UInt8]) {
        self.receiver = receiver
        self.alarm = alarm
        self.idempotencyKey = idempotencyKey
        self.body = body
    }
}
