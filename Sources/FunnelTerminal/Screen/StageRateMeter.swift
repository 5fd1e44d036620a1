public import FunnelCore
/// Events per second each stage receives, from successive polls of its cumulative `received` count.
///
/// Keeps the readings of the last `span` seconds per pipeline and stage and divides the growth over that span by
/// its length, which smooths reports that arrive in batches. A count that goes down (retention dropped old buckets,
/// or the server restarted) starts the stage afresh.
public struct StageRateMeter: Sendable, Hashable {
    public var span: Double
    private var readings: [String: [Reading]] = [:]

    struct Reading: Sendable, Hashable {
        var seconds: Double
        var received: UInt64
    }

    public init(span: Double = 10) {
        self.span = span
    }

    /// Records `funnel`'s received counts as read at `seconds` on a monotonic clock.
    public mutating func observe(_ funnel: PipelineFunnel, atSeconds seconds: Double) {
        for stage in funnel.stages {
            let key = Self.key(funnel.pipeline, stage.name)
            var list = self.readings[key] ?? []
            if let last = list.last, stage.received < last.received || seconds < last.seconds { list = [] }
            list.append(Reading(seconds: seconds, received: stage.received))
            // Keep one reading at or before the start of the span, so the span is always covered.
            while list.count > 2, list[1].seconds <= seconds - self.span { list.removeFirst() }
            self.readings[key] = list
        }
    }

    /// Events per second received by `stage` of `pipeline`; nil until two readings exist.
    public func rate(pipeline: String, stage: String) -> Double? {
        guard let list = self.readings[Self.key(pipeline, stage)], let first = list.first, let last = list.last,
            last.seconds > first.seconds
        else { return nil }
        return Double(last.received - first.received) / (last.seconds - first.seconds)
    }

    /// Rates of every stage of `funnel`'s pipeline that has one.
    public func rates(for funnel: PipelineFunnel) -> [String: Double] {
        var rates: [String: Double] = [:]
        for stage in funnel.stages {
            if let rate = self.rate(pipeline: funnel.pipeline, stage: stage.name) { rates[stage.name] = rate }
        }
        return rates
    }

    static func key(_ pipeline: String, _ stage: String) -> String { pipeline + "\u{0}" + stage }
}
