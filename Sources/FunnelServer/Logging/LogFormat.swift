/// How `funnel serve` writes its log lines: `text` for a terminal, `logfmt` and `json` for log collectors.
///
/// Every line has the time (RFC 3339, UTC, milliseconds), the level, the message and the metadata as fields.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// `2026-01-02T03:04:05.678Z info configuration reloaded alarms=2`
    case text
    /// `ts=2026-01-02T03:04:05.678Z level=info msg="configuration reloaded" alarms=2`
    case logfmt
    /// `{"ts":"2026-01-02T03:04:05.678Z","level":"info","msg":"configuration reloaded","alarms":"2"}`
    case json
}
