extension DLQSourceList: MetricsSource {
    /// Writes the health of each DLQ source: up, polls by result, last success, and what the last poll saw; nothing
    /// without sources.
    public func emit(into writer: inout ExpositionWriter) {
        let sources = self.sources
        guard !sources.isEmpty else { return }
        let sourceLabels = sources.map { ExpositionWriter.labels(["source": $0.source]) }
        writer.family("funnel_dlq_source_up", .gauge, help: "1 when the last poll of a DLQ source succeeded, 0 when it failed or timed out (absent before the first poll).")
        for source in sources {
            guard let up = source.up else { continue }
            let labels = ExpositionWriter.labels(["source": source.source, "kind": source.kind.rawValue, "pipeline": source.pipeline, "queue": source.queue])
            writer.sample(labels, UInt64(up ? 1 : 0))
        }
        writer.family("funnel_dlq_source_polls", .counter, help: "Polls of each DLQ source, by result (ok, error, timeout).")
        for (index, source) in sources.enumerated() {
            let prefix = String(sourceLabels[index].dropLast()) + ",result=\""
            writer.sample(prefix + "ok\"}", source.polls.ok)
            writer.sample(prefix + "error\"}", source.polls.error)
            writer.sample(prefix + "timeout\"}", source.polls.timeout)
        }
        writer.family("funnel_dlq_source_last_success_timestamp_seconds", .gauge, help: "Unix time of the last successful poll of each DLQ source.")
        for (index, source) in sources.enumerated() {
            if let seconds = source.lastSuccessUnixSeconds { writer.sample(sourceLabels[index], seconds) }
        }
        writer.family("funnel_dlq_source_not_visible_messages", .gauge, help: "SQS: messages received by a consumer and not yet deleted, at the last successful poll.")
        for (index, source) in sources.enumerated() {
            if let count = source.notVisible { writer.sample(sourceLabels[index], count) }
        }
        writer.family("funnel_dlq_source_oldest_message_age_seconds", .gauge, help: "Age of the oldest message, where the queue reports it, at the last successful poll.")
        for (index, source) in sources.enumerated() {
            if let age = source.oldestAgeSeconds { writer.sample(sourceLabels[index], age) }
        }
    }
}
