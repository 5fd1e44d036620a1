import Foundation
import FunnelCore

/// The events and latencies aggregated for one series since the last batch was sealed.
///
/// Latencies are kept the way the server's DDSketch keeps them: counts per logarithmic bucket of the same
/// relative width (``LatencySketch/relativeAccuracy``), so the percentiles the server computes from the
/// aggregated reports are as accurate as if every sample had been sent, in bounded memory.
struct SeriesTotals: Sendable, Hashable {
    var count: UInt64 = 0
    /// Events that came with a latency, per bucket index; index `nil` holds latencies below 1 µs.
    private(set) var latencyBuckets: [Int?: UInt64] = [:]

    static let gamma = (1 + LatencySketch.relativeAccuracy) / (1 - LatencySketch.relativeAccuracy)
    static let logGamma = log(gamma)

    var latencyCount: UInt64 { self.latencyBuckets.values.saturatingSum() }

    mutating func add(_ count: UInt64, latencyMillis: Double?) {
        self.count = self.count.addingSaturated(count)
        if let latencyMillis {
            let index = latencyMillis < LatencySketch.minimumMillis ? nil : Int(rounding: log(latencyMillis) / Self.logGamma, .up)
            self.latencyBuckets[index, default: 0] = self.latencyBuckets[index, default: 0].addingSaturated(count)
        }
    }

    /// The value that stands for bucket `index`: within the relative accuracy of every value in it.
    static func representative(_ index: Int?) -> Double {
        guard let index else { return 0 }
        return 2 * pow(Self.gamma, Double(index)) / (Self.gamma + 1)
    }

    /// The reports that carry these totals: one per latency bucket (its events, with its representative latency)
    /// and one for the events without a latency, each split in reports of at most the server's
    /// ``ReportBodyParser/maximumCount`` so none is refused for its size.
    func reports(for key: SeriesKey) -> [StageReport] {
        var reports: [StageReport] = []
        func append(_ count: UInt64, _ latency: Double?) {
            var left = count
            while left > 0 {
                let part = min(left, ReportBodyParser.maximumCount)
                reports.append(
                    StageReport(pipeline: key.pipeline, stage: key.stage, outcome: key.outcome, count: part, eventTimeMillis: key.bucketMillis, latencyMillis: latency)
                )
                left -= part
            }
        }
        for (index, count) in self.latencyBuckets.sorted(by: { ($0.key ?? .min) < ($1.key ?? .min) }) { append(count, Self.representative(index)) }
        append(self.count.subtractingSaturated(self.latencyCount), nil)
        return reports
    }
}
