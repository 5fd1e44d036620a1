import FunnelCore

extension FunnelConfiguration {
    /// `reloaded` with every setting only a restart can change put back to its running value, and the keys of
    /// those that differed.
    ///
    /// A restart-only setting is one the server is built around: bound sockets (listen addresses, TLS files,
    /// StatsD listeners and their buffers, the StatsD relay), the database (data dir, durability, outbox size),
    /// latency bucket bounds, the settle timer and the log format. A new setting that only a restart can change is
    /// added here.
    public func adoptingReload(_ reloaded: FunnelConfiguration) -> (configuration: FunnelConfiguration, restartRequired: [String]) {
        var next = reloaded
        var kept: [String] = []
        func keep<Value: Equatable>(_ key: String, _ path: WritableKeyPath<FunnelConfiguration, Value>) {
            guard next[keyPath: path] != self[keyPath: path] else { return }
            if kept.last != key { kept.append(key) }
            next[keyPath: path] = self[keyPath: path]
        }
        keep("listen", \.listenHost)
        keep("listen", \.listenPort)
        keep("data_dir", \.dataDirectory)
        keep("durability", \.durability)
        keep("tls.certificate", \.tlsCertificatePath)
        keep("tls.key", \.tlsKeyPath)
        keep("timeouts.idle", \.idleTimeoutSeconds)
        keep("timeouts.header", \.headerTimeoutSeconds)
        keep("limits.max_connections", \.maximumConnections)
        keep("latency_buckets", \.ledger.latencyBucketsSeconds)
        keep("settle_interval", \.settleIntervalSeconds)
        keep("webhook.max_outbox_per_receiver", \.webhookMaximumOutboxPerReceiver)
        keep("statsd.listen", \.statsd.udpListen)
        keep("statsd.tcp_listen", \.statsd.tcpListen)
        keep("statsd.receive_buffer", \.statsd.receiveBufferBytes)
        keep("statsd.flush_interval", \.statsd.flushIntervalSeconds)
        keep("statsd.flush_lines", \.statsd.flushLines)
        keep("statsd.max_line_bytes", \.statsd.maximumLineBytes)
        keep("statsd.logged_bad_lines_per_minute", \.statsd.loggedBadLinesPerMinute)
        keep("statsd.forward_unmatched", \.statsd.forwardUnmatched)
        keep("log_format", \.logFormat)
        return (next, kept)
    }
}
