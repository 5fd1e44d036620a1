extension WebhookCounters: MetricsSource {
    /// Writes the delivery attempts and dropped notifications of each receiver, and the outbox depth.
    public func emit(into writer: inout ExpositionWriter) {
        writer.family(
            "funnel_webhook_deliveries", .counter, help: "Webhook delivery attempts by receiver and result (success, retry, failure, rejected)."
        )
        for receiver in self.deliveries.keys.sorted() {
            for result in Self.results {
                writer.sample(ExpositionWriter.labels(["receiver": receiver, "result": result]), self.deliveries[receiver]?[result] ?? 0)
            }
        }
        writer.family(
            "funnel_webhook_notifications_dropped", .counter,
            help: "Webhook notifications dropped unsent by receiver and reason (superseded by a newer one of the same alarm, outbox_full)."
        )
        for receiver in self.dropped.keys.sorted() {
            for reason in Self.dropReasons {
                writer.sample(ExpositionWriter.labels(["receiver": receiver, "reason": reason]), self.dropped[receiver]?[reason] ?? 0)
            }
        }
        writer.family("funnel_webhook_outbox_depth", .gauge, help: "Notifications waiting in the webhook outbox.")
        writer.sample(UInt64(self.outboxDepth))
    }
}
