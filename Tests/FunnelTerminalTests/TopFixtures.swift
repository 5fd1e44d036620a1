import FunnelCore
import FunnelTerminal

/// A realistic `orders` pipeline mid-incident: a burst dropped events at `process`, `deliver` dead-lettered during
/// an outage, one alarm firing and one pending.
enum TopFixtures {
    static let nowMillis: Int64 = 1_795_000_000_000

    static func stage(
        _ name: String, _ position: Int, received: UInt64, passed: UInt64, failed: UInt64 = 0, dead: UInt64 = 0, lost: UInt64 = 0,
        inFlight: UInt64 = 0, share: Double = 0, latency: (Double, Double, Double)? = nil
    ) -> StageFunnel {
        StageFunnel(
            name: name, position: position, received: received, passed: passed, failed: failed, deadLettered: dead, lost: lost,
            inFlight: inFlight, excess: 0, lossShare: share, lateEvents: 0,
            settled: StageCounts(received: received, passed: passed, failed: failed, deadLettered: dead),
            latencyMs: latency.map { LatencyQuantiles(p50: $0.0, p95: $0.1, p99: $0.2, count: 4000) } ?? LatencyQuantiles()
        )
    }

    static let ordersFunnel = PipelineFunnel(
        pipeline: "orders", settledBefore: "2026-11-18T08:20:00Z", latencyWindow: .fiveMinutes,
        endToEndLatencyMs: LatencyQuantiles(p50: 88, p95: 1240, p99: 1810, count: 4000),
        stages: [
            stage("ingest", 0, received: 124_512, passed: 124_139, dead: 373, inFlight: 212, latency: (1.2, 3.1, 3.8)),
            stage("process", 1, received: 124_015, passed: 119_870, failed: 620, lost: 3311, inFlight: 214, share: 3311.0 / 3435, latency: (14, 412, 603)),
            stage("deliver", 2, received: 119_870, passed: 115_512, failed: 233, dead: 4125, latency: (22, 41, 47)),
        ],
        transit: [
            TransitFunnel(from: "ingest", to: "process", passed: 123_900, received: 123_776, lost: 124, inFlight: 38, excess: 0, lossShare: 124.0 / 3435),
            TransitFunnel(from: "process", to: "deliver", passed: 119_870, received: 119_870, lost: 0, inFlight: 0, excess: 0, lossShare: 0),
        ],
        totals: FunnelTotals(
            ingested: 124_512, delivered: 115_512, settledIngested: 124_300, settledDelivered: 115_312, deliveryRatio: 115_312.0 / 124_300,
            lost: 3435, excess: 0, inFlight: 464
        )
    )

    static let alarms = [
        AlarmStatus(
            name: "orders-dlq", kind: "dlq_depth", state: .firing, since: "2026-11-18T08:24:30Z", value: 2400, threshold: 1000,
            summary: "orders-dlq depth 2400 (threshold 1000)", pipeline: "orders", stage: nil, queue: "orders-dlq", labels: [:]
        ),
        AlarmStatus(
            name: "orders-process-loss", kind: "stage_loss", state: .pending, since: "2026-11-18T08:26:20Z", value: 0.027, threshold: 0.01,
            summary: "orders/process silent loss 2.7% (threshold 1%)", pipeline: "orders", stage: "process", queue: nil, labels: [:]
        ),
        AlarmStatus(
            name: "billing-ratio", kind: "delivery_ratio", state: .inactive, since: nil, value: 1, threshold: 0.99, summary: "billing delivery ratio ok",
            pipeline: "billing", stage: nil, queue: nil, labels: [:]
        ),
    ]

    static let queues = [
        QueueDepth(pipeline: "orders", queue: "orders-dlq", depth: 2400, updatedAt: "2026-11-18T08:26:39Z", ageSeconds: 0.8, stale: false),
        QueueDepth(pipeline: "orders", queue: "orders-retry-dlq", depth: 0, updatedAt: "2026-11-18T08:26:39Z", ageSeconds: 0.8, stale: false),
        QueueDepth(pipeline: "billing", queue: "billing-dlq", depth: 7, updatedAt: "2026-11-18T08:25:04Z", ageSeconds: 95, stale: true),
    ]

    static let history: [String: [Double]] = [
        "orders/orders-dlq": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 120, 310, 520, 730, 900, 1100, 1300, 1450, 1600, 1800, 1950, 2100, 2250, 2400],
        "orders/orders-retry-dlq": [0, 0, 0, 0],
    ]

    /// The live screen's input; `nowMillis` is 2026-11-18T08:26:40Z.
    static func snapshot(connection: ConnectionState = .live(dataAgeSeconds: 0.4), showHelp: Bool = false) -> TopSnapshot {
        TopSnapshot(
            server: "http://127.0.0.1:9470", pipelines: ["orders", "billing", "clicks"], selectedPipeline: "orders", window: .fiveMinutes,
            refreshSeconds: 1, funnel: ordersFunnel, stageRates: ["ingest": 201.3, "process": 200.8, "deliver": 0],
            alarms: alarms, alarmsAvailable: true, queues: queues, queueHistory: history, connection: connection,
            nowMillis: EventTimestamp.parseRFC3339("2026-11-18T08:26:40Z"), showHelp: showHelp
        )
    }
}

extension TopFixtures {
    /// The README's worked example as the server computes it: `process` lost 150 of 1,000 and dead-lettered 20;
    /// 12 of the 20 are redriven, the 150 replayed from the ingestion log, and 40 events redelivered by the queue.
    static func recoveringFunnel(pipeline: String = "orders") throws -> PipelineFunnel {
        let t0: Int64 = 1_795_688_100_000
        var ledger = FunnelLedger(policy: LedgerPolicy(pipelines: [PipelineDefinition(name: pipeline, stages: ["ingest", "process", "deliver"])]))
        let counts: [(String, Outcome, UInt64)] = [
            ("ingest", .received, 1000), ("ingest", .passed, 1000),
            ("process", .received, 1000), ("process", .redelivered, 40), ("process", .passed, 830), ("process", .deadLettered, 20),
            ("process", .redriven, 12), ("process", .passed, 12), ("process", .replayed, 150), ("process", .passed, 150),
            ("deliver", .received, 992), ("deliver", .passed, 992),
        ]
        let reports = counts.map { StageReport(pipeline: pipeline, stage: $0.0, outcome: $0.1, count: $0.2, eventTimeMillis: t0) }
        let batch = try ledger.admit(reports, nowMillis: t0)
        ledger.apply(batch, nowMillis: t0)
        ledger.settle(nowMillis: t0 + 600_000)
        guard let funnel = ledger.funnel(pipeline: pipeline) else { throw FixtureError.noFunnel }
        return funnel
    }

    enum FixtureError: Error { case noFunnel }
}
