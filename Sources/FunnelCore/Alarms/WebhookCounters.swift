/// Webhook delivery outcomes per receiver, for `funnel_webhook_deliveries_total{receiver,result}`, and the
/// notifications the outbox dropped, for `funnel_webhook_notifications_dropped_total{receiver,reason}`.
public struct WebhookCounters: Sendable, Hashable {
    /// `success`: delivered; `retry`: an attempt failed and will be retried; `failure`: gave up after the last attempt;
    /// `rejected`: the receiver refused it with a permanent 4xx, so it is not retried.
    public static let results = ["success", "retry", "failure", "rejected"]
    /// `superseded`: a newer state change of the same alarm replaced it before it was sent; `outbox_full`: the oldest
    /// waiting notification, dropped because the receiver already had `webhook.max_outbox_per_receiver` waiting.
    public static let dropReasons = ["superseded", "outbox_full"]

    public var deliveries: [String: [String: UInt64]] = [:]
    /// Notifications dropped unsent, per receiver and reason.
    public var dropped: [String: [String: UInt64]] = [:]
    /// Notifications waiting in the outbox.
    public var outboxDepth: Int = 0

    public init() {}

    /// Counts `count` delivery outcomes (one by default).
    public mutating func count(receiver: String, result: String, _ count: UInt64 = 1) {
        self.deliveries[receiver, default: [:]][result, default: 0] &+= count
    }

    /// Counts `count` notifications dropped unsent.
    public mutating func countDropped(receiver: String, reason: String, _ count: UInt64 = 1) {
        self.dropped[receiver, default: [:]][reason, default: 0] &+= count
    }

    /// Makes every receiver in `receivers` show, with zeros, before anything happened to it.
    public mutating func include(receivers: some Sequence<String>) {
        for receiver in receivers {
            if self.deliveries[receiver] == nil { self.deliveries[receiver] = [:] }
            if self.dropped[receiver] == nil { self.dropped[receiver] = [:] }
        }
    }
}
