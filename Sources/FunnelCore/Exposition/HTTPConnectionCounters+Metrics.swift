extension HTTPConnectionCounters: MetricsSource {
    /// Writes the HTTP listener's connection families.
    public func emit(into writer: inout ExpositionWriter) {
        writer.family("funnel_http_connections_open", .gauge, help: "HTTP connections open now.")
        writer.sample(self.open)
        writer.family("funnel_http_connections_limit", .gauge, help: "The most HTTP connections open at once (limits.max_connections).")
        writer.sample(self.limit)
        writer.family("funnel_http_connections_refused", .counter, help: "HTTP connections closed at once because the limit was reached.")
        writer.sample(self.refused)
        writer.family(
            "funnel_http_header_timeouts", .counter, help: "HTTP connections closed because no complete request head arrived within timeouts.header."
        )
        writer.sample(self.headerTimeouts)
    }
}
