/// Every key the configuration loader accepts, per section: the tables it refuses unknown keys with, so a
/// test can hold `config.example.yml` to all of them.
public enum ConfigurationKeys {
    /// Top-level keys.
    public static let root = [
        "listen", "data_dir", "retention", "idempotency_window", "settle_interval", "defaults", "pipelines", "limits",
        "external_url", "dlq", "evaluation_interval", "webhook", "receivers", "alarms", "latency_buckets",
        "ingest_tokens", "read_tokens", "ingest_tokens_file", "read_tokens_file", "timeouts", "durability", "tls",
        "statsd", "dlq_sources", "watermarks", "log_format", "comparisons",
    ]
    public static let defaults = ["bucket", "settle_after"]
    public static let pipeline = ["name", "stages", "bucket", "settle_after", "labels", "slo"]
    public static let comparison = ["name", "baseline", "candidate"]
    public static let slo = ["delivery_ratio", "window"]
    public static let tls = ["certificate", "key"]
    public static let dlq = ["stale_after"]
    public static let watermarks = ["reporter_timeout"]
    public static let webhook = ["timeout", "max_attempts", "initial_backoff", "max_backoff", "max_outbox_per_receiver"]
    public static let limits = [
        "max_body_bytes", "max_reports_per_request", "max_pipelines", "max_stages_per_pipeline", "max_future", "max_queues",
        "max_concurrent_requests", "max_series", "max_name_length", "max_connections", "min_body_bytes_per_second",
        "max_label_values", "max_label_sets",
    ]
    public static let timeouts = ["idle", "body", "header", "body_grace"]
    public static let receiver = ["name", "type", "url", "urls", "secret", "secret_env", "resend_interval"]
    /// Keys of every alarm; ``alarmKinds`` adds those of each kind.
    public static let alarm = ["name", "kind", "pipeline", "for", "labels", "annotations", "receivers", "repeat_interval", "send_resolved"]
    public static let alarmKinds: [String: [String]] = [
        "dlq_depth": ["queue", "stage", "above", "clear_below"],
        "dlq_growth": ["stage", "above", "clear_below", "window"],
        "silent_loss": ["stage", "above", "clear_below", "window", "by"],
        "transit_loss": ["from", "to", "above", "clear_below", "window", "by"],
        "delivery_ratio": ["below", "clear_above", "window", "by"],
        "latency": ["stage", "percentile", "above", "clear_below", "window"],
        "stalled": ["stage", "window"],
        "dlq_source_down": ["queue", "source"],
        "watermark_lag": ["stage", "above", "clear_below"],
        "comparison": ["comparison", "below_baseline_by", "input_mismatch_above", "clear_below", "window"],
    ]
    /// Alarm kinds that watch something other than one pipeline, so take no `pipeline`.
    public static let alarmKindsWithoutPipeline: Set<String> = ["comparison"]
    public static let statsd = [
        "listen", "tcp_listen", "receive_buffer", "flush_interval", "flush_lines", "max_line_bytes", "logged_bad_lines_per_minute", "mappings",
        "forward_unmatched",
    ]
    public static let statsdMapping = ["match", "match_type", "pipeline", "stage", "outcome", "queue"]
    /// Keys of every DLQ source; ``dlqSourceKinds`` adds those of each kind.
    public static let dlqSource = ["kind", "name", "pipeline", "queue", "interval", "timeout"]
    public static let dlqSourceKinds: [String: [String]] = [
        "sqs": ["queue_url", "region", "endpoint", "profile"],
        "postgres": ["url", "host", "port", "user", "password", "password_env", "database", "query", "statement_timeout"],
        "redis": ["url", "host", "port", "password", "password_env", "database", "key", "command"],
    ]

    /// Every key by the top-level section it is documented under: (section, keys of that section and below).
    public static var bySection: [(section: String, keys: [String])] {
        [
            ("defaults", Self.defaults), ("pipelines", Self.pipeline + Self.slo), ("comparisons", Self.comparison), ("tls", Self.tls), ("dlq", Self.dlq), ("watermarks", Self.watermarks), ("webhook", Self.webhook),
            ("limits", Self.limits), ("timeouts", Self.timeouts), ("receivers", Self.receiver),
            ("alarms", Self.alarm + Self.alarmKinds.keys.sorted() + Self.alarmKinds.keys.sorted().flatMap { Self.alarmKinds[$0]! }),
            ("statsd", Self.statsd + Self.statsdMapping),
            ("dlq_sources", Self.dlqSource + Self.dlqSourceKinds.keys.sorted() + Self.dlqSourceKinds.keys.sorted().flatMap { Self.dlqSourceKinds[$0]! }),
        ]
    }
}
