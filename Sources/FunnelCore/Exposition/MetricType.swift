/// The metric types Funnel exposes.
public enum MetricType: Sendable, Hashable {
    case counter
    case gauge
    /// An OpenMetrics info metric; a gauge of value 1 in the Prometheus text format.
    case info
}
