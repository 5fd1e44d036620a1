/// One notification body waiting in the outbox for one receiver.
public struct WebhookDelivery: Sendable, Hashable {
    public var id: Int64
    public var receiver: String
    public var idempotencyKey: String
    public var body: [UInt8]
    /// Attempts made so far.
    public var attempts: Int
}
