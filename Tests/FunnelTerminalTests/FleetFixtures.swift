import FunnelCore
import FunnelTerminal

/// The fleet of issue 27 as on-call meets it: 30 pipelines of 12 stages with long names, two firing alarms and a
/// pending one; `tenant-07-…` loses 2 events at every stage and 1 on every hop (35 lost, 11 of them in transit),
/// so twelve stages tie for where most events die.
enum FleetFixtures {
    static let regions = ["eu-west-1", "us-east-2", "ap-southeast-1"]

    static func pipelineName(_ index: Int) -> String {
        "tenant-\(index < 10 ? "0" : "")\(index)-order-fulfilment-pipeline-\(regions[index % regions.count])"
    }

    static let stageNames = [
        "stage-00-intake-from-partner-gateway", "stage-01-schema-decoding-and-parsing", "stage-02-deduplication-window",
        "stage-03-enrichment-and-validation-step", "stage-04-fraud-scoring-model", "stage-05-inventory-reservation",
        "stage-06-pricing-and-tax-calculation", "stage-07-payment-authorisation", "stage-08-warehouse-routing",
        "stage-09-carrier-label-printing", "stage-10-customer-notification", "stage-11-ledger-and-audit-export",
    ]

    static let names = (0..<30).map(pipelineName)
    /// The pipeline with the tie.
    static let tied = pipelineName(7)

    /// Pipeline `index`'s funnel; the same numbers every time.
    static func funnel(_ index: Int) -> PipelineFunnel {
        let tie = index == 7
        var received: UInt64 = 100_000 + UInt64(index) * 3_217
        var stages: [StageFunnel] = []
        var transit: [TransitFunnel] = []
        var lostByPlace: [UInt64] = []
        for (position, name) in stageNames.enumerated() {
            let failed = UInt64(3 + (position + index) % 4)
            let dead = UInt64(position == 5 ? 40 : (position + index) % 3)
            let lost: UInt64 = tie ? 2 : UInt64((index * 7 + position * 3) % 11)
            let inFlight = UInt64(position % 4 == 1 ? 12 + index : 0)
            let passed = received - failed - dead - lost
            stages.append(
                TopFixtures.stage(
                    name, position, received: received, passed: passed, failed: failed, dead: dead, lost: lost, inFlight: inFlight,
                    latency: (1.5 + Double(position), 12 + Double(position * 9), 30 + Double(position * 17))
                )
            )
            lostByPlace.append(lost)
            if position + 1 < stageNames.count {
                let hopLost: UInt64 = tie ? 1 : UInt64((index + position) % 4 == 0 ? 0 : (index + position) % 3)
                transit.append(
                    TransitFunnel(from: name, to: stageNames[position + 1], passed: passed, received: passed - hopLost, lost: hopLost, inFlight: 0, excess: 0, lossShare: 0)
                )
                lostByPlace.append(hopLost)
                received = passed - hopLost
            }
        }
        let total = lostByPlace.reduce(0, +)
        for index in stages.indices where total > 0 { stages[index].lossShare = Double(stages[index].lost) / Double(total) }
        for index in transit.indices where total > 0 { transit[index].lossShare = Double(transit[index].lost) / Double(total) }
        let ingested = stages[0].received
        let delivered = stages[stages.count - 1].passed
        let inFlight = stages.reduce(0) { $0 + $1.inFlight }
        return PipelineFunnel(
            pipeline: pipelineName(index), settledBefore: "2026-11-18T08:20:00Z", latencyWindow: .fiveMinutes,
            endToEndLatencyMs: LatencyQuantiles(p50: 210, p95: 840 + Double(index * 13), p99: 1900, count: 4000), stages: stages, transit: transit,
            totals: FunnelTotals(
                ingested: ingested, delivered: delivered, settledIngested: ingested, settledDelivered: delivered,
                deliveryRatio: Double(delivered) / Double(ingested), lost: total, excess: 0, inFlight: inFlight
            )
        )
    }

    static let funnels = Dictionary(uniqueKeysWithValues: (0..<30).map { (pipelineName($0), funnel($0)) })

    static let alarms = [
        AlarmStatus(
            name: "tenant-07-delivery", kind: "delivery_ratio", state: .firing, since: "2026-11-18T08:12:40Z", value: 0.9962, threshold: 0.9975,
            summary: "tenant-07-delivery: \(pipelineName(7)) delivery 99.62% in the last settled 1h (threshold 99.75%)",
            pipeline: pipelineName(7), stage: nil, queue: nil, labels: [:]
        ),
        AlarmStatus(
            name: "tenant-19-payment-dlq", kind: "dlq_depth", state: .firing, since: "2026-11-18T08:25:10Z", value: 1520, threshold: 1000,
            summary: "tenant-19-payment-dlq depth 1520 (threshold 1000)", pipeline: pipelineName(19), stage: nil, queue: "tenant-19-payment-dlq",
            labels: [:]
        ),
        AlarmStatus(
            name: "tenant-03-fraud-p95", kind: "latency", state: .pending, since: "2026-11-18T08:26:05Z", value: 512, threshold: 400,
            summary: "stage-04-fraud-scoring-model p95 latency 512 ms over 5m (threshold 400 ms, for 1m)", pipeline: pipelineName(3),
            stage: "stage-04-fraud-scoring-model", queue: nil, labels: [:]
        ),
    ]

    static let queues = [
        QueueDepth(pipeline: tied, queue: "tenant-07-payment-dlq", depth: 40, updatedAt: "2026-11-18T08:26:39Z", ageSeconds: 0.8, stale: false),
        QueueDepth(pipeline: pipelineName(19), queue: "tenant-19-payment-dlq", depth: 1520, updatedAt: "2026-11-18T08:26:39Z", ageSeconds: 0.8, stale: false),
    ]

    static let ranking = PipelineTrouble.ranked(names, funnels: funnels, alarms: alarms)

    /// The live screen on `pipeline` (the tied one unless told), with the overview open when `picker` is given.
    static func snapshot(pipeline: String = tied, tableOffset: Int = 0, picker: PipelinePicker? = nil) -> TopSnapshot {
        let funnel = funnels[pipeline]
        var rates: [String: Double] = [:]
        for (position, stage) in (funnel?.stages ?? []).enumerated() { rates[stage.name] = 180.5 - Double(position) * 0.25 }
        return TopSnapshot(
            server: "http://127.0.0.1:9470", pipelines: names, selectedPipeline: pipeline, window: .fiveMinutes, refreshSeconds: 1,
            funnel: funnel, stageRates: rates, alarms: alarms, alarmsAvailable: true, queues: queues,
            queueHistory: ["\(tied)/tenant-07-payment-dlq": [0, 4, 9, 15, 22, 30, 36, 40]], connection: .live(dataAgeSeconds: 0.4),
            nowMillis: EventTimestamp.parseRFC3339("2026-11-18T08:26:40Z"), tableOffset: tableOffset, picker: picker, ranking: ranking
        )
    }
}
