import FunnelCore
/// The simulated pipeline `funnel demo` drives: `orders`, with stages ingest -> process -> deliver.
///
/// Every `cycleSeconds` (60 by default) it goes through the same story, so a newcomer sees every part of
/// `funnel top` move within a minute:
/// - calm: `rate` events per second; ingest dead-letters 0.3% (malformed), 0.1% vanish between ingest and process,
///   process fails 0.5%, deliver fails 0.2%;
/// - seconds 8-15, a burst: three times the traffic, process silently drops 3% and its latency spikes;
/// - seconds 24-35, an outage of deliver's downstream: everything deliver receives is dead-lettered and the
///   dead-letter queue `orders-dlq` fills;
/// - then draining: the queue is redriven at twice the rate until it is empty.
///
/// Pure and seeded: the same seed gives the same reports.
public struct DemoScenario: Sendable {
    public var pipeline = "orders"
    public var queue = "orders-dlq"
    public static let stages = ["ingest", "process", "deliver"]
    /// Events per second entering the pipeline in calm times.
    public var rate: Double
    public var cycleSeconds: Int
    /// Latency samples per report at most.
    public var samplesPerReport = 16
    public private(set) var queueDepth: UInt64 = 0
    private var random: DemoRandom

    public init(rate: Double = 200, seed: UInt64 = 1, cycleSeconds: Int = 60) {
        self.rate = max(0, rate)
        self.cycleSeconds = max(40, cycleSeconds)
        self.random = DemoRandom(seed: seed)
    }

    /// The phase at `second` since the start of the run.
    public func phase(atSecond second: Int) -> DemoPhase {
        let t = ((second % self.cycleSeconds) + self.cycleSeconds) % self.cycleSeconds
        switch t {
        case 8..<16: return .burst
        case 24..<36: return .outage
        default: return self.queueDepth > 0 && t >= 36 ? .draining : .calm
        }
    }

    /// Simulates `seconds` seconds starting at `second` of the run, for events that entered at `eventTimeMillis`.
    ///
    /// With `latencies` false the reports carry no latency samples (for replayed history, whose samples would all
    /// land in the server's current latency window).
    public mutating func step(atSecond second: Int, seconds: Int = 1, eventTimeMillis: Int64, latencies: Bool = true, moveQueue: Bool = true) -> DemoStep {
        let phase = self.phase(atSecond: second)
        let time = EventTimestamp.formatRFC3339(millis: eventTimeMillis)
        let burst = phase == .burst
        let entered = self.around(self.rate * Double(seconds) * (burst ? 3 : 1), spread: 0.1)

        let ingestDead = self.share(entered, 0.003)
        let ingestPassed = entered - ingestDead
        let transitLost = self.share(ingestPassed, 0.001)
        let processReceived = ingestPassed - transitLost
        let processFailed = self.share(processReceived, 0.005)
        let processDropped = burst ? self.share(processReceived - processFailed, 0.03) : 0
        let processPassed = processReceived - processFailed - processDropped
        let deliverReceived = processPassed
        let deliverDead = phase == .outage ? deliverReceived : 0
        let deliverFailed = phase == .outage ? 0 : self.share(deliverReceived, 0.002)
        let deliverPassed = deliverReceived - deliverDead - deliverFailed

        var reports: [DemoReport] = []
        let pipeline = self.pipeline
        func add(_ stage: String, _ outcome: Outcome, _ count: UInt64, latencies: [Double]? = nil, endToEnd: [Double]? = nil) {
            guard count > 0 else { return }
            reports.append(
                DemoReport(pipeline: pipeline, stage: stage, outcome: outcome, count: count, eventTime: time, latenciesMs: latencies, endToEndLatenciesMs: endToEnd)
            )
        }
        let perReport = UInt64(self.samplesPerReport)
        let samples = { (count: UInt64) in Int(min(perReport, count)) }
        let ingestLatency = latencies ? self.samples(samples(ingestPassed), low: 0.6, high: 4) : nil
        let processLatency = latencies ? self.samples(samples(processPassed), low: burst ? 60 : 6, high: burst ? 650 : 28) : nil
        let deliverLatency = latencies ? self.samples(samples(deliverPassed), low: 12, high: 48) : nil
        var endToEnd: [Double]?
        if let processLatency, let deliverLatency, let ingestLatency, !deliverLatency.isEmpty {
            endToEnd = deliverLatency.indices.map { index in
                let queued = self.uniform(burst ? 40 : 5, burst ? 900 : 60)
                return (ingestLatency[index % max(1, ingestLatency.count)] + processLatency[index % max(1, processLatency.count)]
                    + deliverLatency[index] + queued).rounded(toPlaces: 1)
            }
        }
        add("ingest", .received, entered)
        add("ingest", .passed, ingestPassed, latencies: ingestLatency)
        add("ingest", .deadLettered, ingestDead)
        add("process", .received, processReceived)
        add("process", .passed, processPassed, latencies: processLatency)
        add("process", .failed, processFailed)
        add("deliver", .received, deliverReceived)
        add("deliver", .passed, deliverPassed, latencies: deliverLatency, endToEnd: endToEnd)
        add("deliver", .failed, deliverFailed)
        add("deliver", .deadLettered, deliverDead)

        if moveQueue {
            if deliverDead > 0 {
                self.queueDepth += deliverDead
            } else if phase != .outage {
                let drained = UInt64(rounding: self.rate * 2 * Double(seconds), .down) ?? 0
                self.queueDepth -= min(self.queueDepth, drained)
            }
        }
        return DemoStep(phase: phase, entered: entered, reports: reports, gauge: DemoGauge(pipeline: self.pipeline, queue: self.queue, depth: self.queueDepth))
    }

    // MARK: Randomness

    /// `value` give or take `spread` (a fraction), rounded.
    mutating func around(_ value: Double, spread: Double) -> UInt64 {
        guard value > 0 else { return 0 }
        return UInt64(rounding: max(0, value * (1 + Double.random(in: -spread...spread, using: &self.random)))) ?? 0
    }

    /// About `fraction` of `count`, rounded at random so small counts still lose now and then.
    mutating func share(_ count: UInt64, _ fraction: Double) -> UInt64 {
        let expected = Double(count) * fraction * Double.random(in: 0.5...1.5, using: &self.random)
        let whole = expected.rounded(.down)
        let extra: Double = Double.random(in: 0..<1, using: &self.random) < expected - whole ? 1 : 0
        return min(count, UInt64(whole + extra))
    }

    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        Double.random(in: low...high, using: &self.random)
    }

    /// `count` latency samples skewed towards `low`, with a long tail to `high`.
    mutating func samples(_ count: Int, low: Double, high: Double) -> [Double] {
        (0..<count).map { _ in
            let u = Double.random(in: 0..<1, using: &self.random)
            return (low + (high - low) * u * u * u).rounded(toPlaces: 2)
        }
    }
}

extension Double {
    fileprivate func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
