import FunnelCore
import Foundation

/// `funnel demo` without the command line: replays ten minutes of history, then drives the simulated pipeline live.
///
/// Every request carries an `Idempotency-Key`, so a retried batch is never counted twice. Queue depth gauges go
/// in their own requests: a server that does not take them yet answers 400 or 404, and the demo goes on without.
public struct DemoRun: Sendable {
    public var client: FunnelAPIClient
    public var rate: Double
    public var durationSeconds: Double
    public var seed: UInt64
    /// Minutes of history sent first, so settled loss shows at once (0 for none).
    public var historyMinutes: Int
    public var log: @Sendable (String) -> Void

    public init(
        client: FunnelAPIClient, rate: Double = 200, durationSeconds: Double = 60, seed: UInt64 = 1, historyMinutes: Int = 10,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.client = client
        self.rate = rate
        self.durationSeconds = durationSeconds
        self.seed = seed
        self.historyMinutes = historyMinutes
        self.log = log
    }

    /// What a run sent.
    public struct Summary: Sendable, Hashable {
        public var requests = 0
        public var reports = 0
        public var events: UInt64 = 0
        public var gauges = 0
    }

    /// Where queue depth gauges go, learned from the server's answers.
    enum GaugeRoute {
        case reports
        case dlqDepth
        case unsupported
    }

    /// Replays the history, then reports live for the duration; fails only when the server refuses or vanishes.
    public func run() async throws(DemoError) -> Summary {
        let runID = String(UUID().uuidString.prefix(8)).lowercased()
        var summary = Summary()
        do {
            try await self.client.ready()
        } catch {
            throw DemoError("funnel demo: \(error); start the server first with `funnel serve`")
        }
        let clock = ContinuousClock()
        let nowMillis = wallClockMillis

        if self.historyMinutes > 0 {
            var history = DemoScenario(rate: self.rate, seed: self.seed &+ 1)
            let start = nowMillis() - Int64(self.historyMinutes) * 60_000
            var batch: [DemoReport] = []
            var batchNumber = 0
            for index in 0..<(self.historyMinutes * 6) {
                let step = history.step(
                    atSecond: index * 10, seconds: 10, eventTimeMillis: start + Int64(index) * 10_000, latencies: false, moveQueue: false
                )
                batch += step.reports
                summary.events += step.entered
                if batch.count >= 400 || index == self.historyMinutes * 6 - 1 {
                    try await self.send(batch, key: "demo-\(runID)-history-\(batchNumber)", summary: &summary)
                    batchNumber += 1
                    batch = []
                }
            }
            self.log("replayed \(self.historyMinutes) minutes of history for pipeline orders (settled, so loss shows at once)")
        }

        var scenario = DemoScenario(rate: self.rate, seed: self.seed)
        var route = GaugeRoute.reports
        var phase: DemoPhase?
        let start = clock.now
        let steps = Int(rounding: self.durationSeconds, .up) ?? 0
        for second in 0..<steps {
            let step = scenario.step(atSecond: second, eventTimeMillis: nowMillis())
            if step.phase != phase {
                phase = step.phase
                self.log("\(second)s: \(Self.describe(step.phase))")
            }
            try await self.send(step.reports, key: "demo-\(runID)-\(second)", summary: &summary)
            summary.events += step.entered
            route = await self.sendGauge(step.gauge, route: route, summary: &summary)
            let next = start.advanced(by: .seconds(second + 1))
            if second + 1 < steps, next > clock.now { try? await Task.sleep(until: next, clock: clock) }
        }
        self.log("done: \(summary.events) events in \(summary.reports) reports, \(summary.requests) requests")
        return summary
    }

    static func describe(_ phase: DemoPhase) -> String {
        switch phase {
        case .calm: "calm: steady traffic, small known losses"
        case .burst: "burst: 3x traffic, process drops 3% silently, latency spikes"
        case .outage: "outage: deliver's downstream is down, everything goes to orders-dlq"
        case .draining: "draining: orders-dlq is redriven"
        }
    }

    /// Sends one batch of reports, retrying twice with the same idempotency key.
    func send(_ reports: [DemoReport], key: String, summary: inout Summary) async throws(DemoError) {
        guard !reports.isEmpty else { return }
        let body = Self.encode(reports)
        var lastError = ""
        for attempt in 0..<3 {
            do {
                let (status, text) = try await self.client.post("/v1/reports", json: body, headers: [("Idempotency-Key", key)])
                if status == 202 {
                    summary.requests += 1
                    summary.reports += reports.count
                    return
                }
                throw DemoError("funnel demo: POST /v1/reports answered \(status): \(text)")
            } catch let error as DemoError {
                throw error
            } catch {
                lastError = "\(error)"
                try? await Task.sleep(for: .milliseconds(200 * (attempt + 1)))
            }
        }
        throw DemoError("funnel demo: \(lastError)")
    }

    /// Sends a queue depth where the server takes it; returns where to send the next one.
    func sendGauge(_ gauge: DemoGauge, route: GaugeRoute, summary: inout Summary) async -> GaugeRoute {
        let body = Self.encode(gauge)
        switch route {
        case .unsupported:
            return .unsupported
        case .reports, .dlqDepth:
            let path = route == .reports ? "/v1/reports" : "/v1/dlq-depth"
            guard let (status, _) = try? await self.client.post(path, json: body) else { return route }
            if (200..<300).contains(status) {
                summary.gauges += 1
                return route
            }
            if route == .reports { return await self.sendGauge(gauge, route: .dlqDepth, summary: &summary) }
            self.log("the server does not take dead-letter queue depths yet (\(status)); going on without them")
            return .unsupported
        }
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(value))) ?? []
    }
}
