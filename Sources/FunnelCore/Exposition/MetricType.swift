/// The metric types Funnel exposes.
public enum MetricType: Sendable, Hashable {
    case counter
    case gauge
    /// An OpenMetrics info metric; a gauge of value 1 in the Prometheus text format.
    case info
    /// A histogram: `_bucket{le}`, `_sum` and `_count` samples.
    case histogram
    /// A summary: `{quantile}`, `_sum` and `_count` samples.
    case summary
}
