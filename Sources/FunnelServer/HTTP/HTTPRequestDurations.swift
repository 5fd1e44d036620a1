public import FunnelCore
import Synchronization

/// `funnel_http_request_duration_seconds{handler, code}`: how long requests took, by route pattern and status.
///
/// `handler` is the route a request matched (`/api/v1/funnel`), or `unmatched`: never the raw path, so the number of
/// series stays bounded whatever clients send.
public final class HTTPRequestDurations: Sendable {
    struct Key: Hashable, Comparable {
        var handler: String
        var code: Int

        static func < (left: Key, right: Key) -> Bool { (left.handler, left.code) < (right.handler, right.code) }
    }

    struct Series {
        /// Rendered once, when the series appears.
        let labels: ExpositionLabels
        var histogram = DurationHistogram()
    }

    private let series = Mutex<[Key: Series]>([:])

    public init() {}

    /// Records one request to `handler` answered with `code` after `seconds`.
    public func record(handler: String, code: Int, seconds: Double) {
        self.series.withLock { series in
            let key = Key(handler: handler, code: code)
            if series[key] == nil { series[key] = Series(labels: ExpositionLabels(["handler": handler, "code": String(code)])) }
            series[key]!.histogram.record(seconds: seconds)
        }
    }
}

extension HTTPRequestDurations: MetricsSource {
    /// Writes the histogram, one series per handler and status code seen.
    public func emit(into writer: inout ExpositionWriter) {
        let series = self.series.withLock { $0 }
        writer.family("funnel_http_request_duration_seconds", .histogram, help: "HTTP request durations by route and status code.")
        let buckets = writer.bucketLabels(bounds: DurationHistogram.defaultBounds)
        for key in series.keys.sorted() {
            let entry = series[key]!
            writer.histogram(entry.labels, buckets: buckets, entry.histogram)
        }
    }
}
