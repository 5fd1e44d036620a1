/// Webhook delivery outcomes per receiver, for `funnel_webhook_deliveries_total{receiver,result}`.
public struct WebhookCounters: Sendable, Hashable {
    /// `success`: delivered; `retry`: an attempt failed and will be retried; `failure`: gave up after the last attempt.
    public static let results = ["success", "retry", "failure"]

    public var deliveries: [String: [String: UInt64]] = [:]
    /// Notifications waiting in the outbox.
    public var outboxDepth: Int = 0

    public init() {}

    public mutating func count(receiver: String, result: String) {
        self.deliveries[receiver, default: [:]][result, default: 0] &+= 1
    }
}
