extension FunnelExposition {
    /// The HTTP listener's connection families.
    static func connectionSamples(_ writer: inout ExpositionWriter, _ connections: HTTPConnectionCounters) {
        writer.family("funnel_http_connections_open", .gauge, help: "HTTP connections open now.")
        writer.sample(connections.open)
        writer.family("funnel_http_connections_limit", .gauge, help: "The most HTTP connections open at once (limits.max_connections).")
        writer.sample(connections.limit)
        writer.family("funnel_http_connections_refused", .counter, help: "HTTP connections closed at once because the limit was reached.")
        writer.sample(connections.refused)
        writer.family(
            "funnel_http_header_timeouts", .counter, help: "HTTP connections closed because no complete request head arrived within timeouts.header."
        )
        writer.sample(connections.headerTimeouts)
    }
}
