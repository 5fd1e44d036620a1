import Foundation
import FunnelCore

/// Scenario `labels`: HTTP ingest into the external `funnel serve` of reports labelled with 1,000 tenants x 5 stages,
/// beside the same reports without labels, and the resident memory one (pipeline, stage, label value) group holds.
///
/// Ingest: per durability and round, a fresh server for each kind; the 5 batches (200 tenants x 5 stages each, 1,000
/// reports) are posted once so that every group exists, then wrk cycles through them with 16 connections for a fixed
/// time. The unlabelled row posts the same batches without the label, through the same wrk script. Memory: RSS of a
/// fresh server warmed up with unlabelled reports, then after 1,000 tenants x 5 stages x 3 outcomes x 3 buckets.
struct LabelledIngestScenario {
    /// What one ingest run measured.
    struct Measured {
        var reportsPerSecond: Double
        var cpuSecondsPerMillion: Double
        var p99Millis: Double
        var non2xx: Int
    }

    let binary: String
    let seconds: Int
    let rounds: Int
    let directory: String

    static let tenants = 1000
    static let stages = 5
    static let clients = 16
    static let outcomes = ["received", "passed", "failed"]
    /// Event times of the memory run, one per 1-minute bucket.
    static let bucketAges = [30, 90, 150]
    /// The pipelines of every server: `events` declares the tenant label, `plain` is its unlabelled twin.
    static let pipelinesYAML = """
        pipelines:
          - name: events
            stages: [s0, s1, s2, s3, s4]
            labels: [tenant]
          - name: plain
            stages: [s0, s1, s2, s3, s4]

        """

    /// Runs the ingest rounds and the memory run, prints both tables, records `labels` and its target.
    func run(report: FigureReport) throws(FigureError) {
        let eventTime = Int(Date().timeIntervalSince1970) - 30
        let bodies = [
            false: ReportBodies.tenantBatches(pipeline: "plain", tenants: Self.tenants, labelled: false, eventTime: eventTime),
            true: ReportBodies.tenantBatches(pipeline: "events", tenants: Self.tenants, labelled: true, eventTime: eventTime),
        ]
        let wrk = WrkLoad(directory: self.directory)
        var measured: [String: [Measured]] = [:]
        var runs: [[String: Any]] = []
        for round in 0..<self.rounds {
            for durability in ["memory", "full"] {
                for labelled in [false, true] {
                    let server = try FunnelServe(binary: self.binary, durability: durability, extraYAML: Self.pipelinesYAML)
                    defer { server.stop() }
                    for body in bodies[labelled]! { try server.post(body) }
                    let cpuBefore = server.process.cpuSeconds
                    let run = try wrk.post(
                        port: server.http.port, path: "/v1/reports", bodies: bodies[labelled]!, contentType: "application/json",
                        connections: Self.clients, seconds: self.seconds
                    )
                    let cpu = server.process.cpuSeconds - cpuBefore
                    let reports = Double(run.requests - run.non2xx) * 1000
                    let sample = Measured(
                        reportsPerSecond: reports / run.seconds, cpuSecondsPerMillion: reports > 0 ? cpu / (reports / 1_000_000) : .nan,
                        p99Millis: run.p99Millis, non2xx: run.non2xx
                    )
                    if labelled { _ = try Self.tenantGroups(server) }
                    measured["\(durability)-\(labelled)", default: []].append(sample)
                    runs.append([
                        "round": round, "durability": durability, "labelled": labelled, "reports_per_second": sample.reportsPerSecond,
                        "cpu_seconds_per_million_reports": sample.cpuSecondsPerMillion, "ack_p99_ms": sample.p99Millis, "non_2xx": sample.non2xx,
                        "server_peak_rss_bytes": server.process.peakResidentBytes,
                    ])
                }
            }
        }
        var rows: [[String]] = []
        var summary: [String: Any] = [:]
        var worstCPURatio = 0.0
        for durability in ["memory", "full"] {
            let plain = Self.median(measured["\(durability)-false"] ?? [])
            let labelled = Self.median(measured["\(durability)-true"] ?? [])
            let rateRatio = labelled.reportsPerSecond / plain.reportsPerSecond
            let cpuRatio = labelled.cpuSecondsPerMillion / plain.cpuSecondsPerMillion
            worstCPURatio = max(worstCPURatio, cpuRatio)
            for (name, figures) in [("no labels", plain), ("tenant label, 1,000 values", labelled)] {
                rows.append([durability, name, Format.count(figures.reportsPerSecond), Format.fixed(figures.cpuSecondsPerMillion, 2), Format.fixed(figures.p99Millis, 1), "\(figures.non2xx)"])
            }
            rows.append([durability, "labelled / unlabelled", Format.times(rateRatio), Format.times(cpuRatio), "", ""])
            summary[durability] = [
                "unlabelled_reports_per_second": plain.reportsPerSecond, "labelled_reports_per_second": labelled.reportsPerSecond,
                "unlabelled_cpu_seconds_per_million_reports": plain.cpuSecondsPerMillion,
                "labelled_cpu_seconds_per_million_reports": labelled.cpuSecondsPerMillion,
                "rate_ratio": rateRatio, "cpu_ratio": cpuRatio,
            ]
        }
        report.table(
            "1c. HTTP ingest with labels: 1,000 tenants x 5 stages, batches of 1,000 reports, \(Self.clients) clients, wrk for \(self.seconds) s, median of \(self.rounds)",
            ["durability", "reports", "reports/s", "server CPU s / million reports", "ack p99 ms", "non-2xx"], rows,
            notes: [
                "each row a fresh `funnel serve`; wrk cycles through 5 bodies of 200 tenants x 5 stages (every group exists before the clock starts)",
                "the unlabelled row posts the same reports without `labels` into a pipeline that declares none (bodies of \(Format.count(Double(bodies[false]![0].count))) bytes against \(Format.count(Double(bodies[true]![0].count))))",
                "after each labelled run GET /api/v1/funnel?pipeline=events&by=tenant answered \(Self.tenants) groups",
            ]
        )
        let memory = try self.memory()
        let perGroup = Double(memory.after - memory.idle) / Double(Self.tenants * Self.stages)
        let cells = Self.tenants * Self.stages * Self.outcomes.count * Self.bucketAges.count
        report.table(
            "4b. Memory per label group: external `funnel serve` (durability `full`), RSS growth divided by what was added",
            ["what was added", "RSS before", "RSS after", "bytes each"],
            [
                [Format.count(Double(Self.tenants * Self.stages)) + " (pipeline, stage, tenant) groups, 3 outcomes x 3 buckets each", Format.mebibytes(memory.idle), Format.mebibytes(memory.after), Format.count(perGroup)],
                [Format.count(Double(cells)) + " (pipeline, stage, tenant, outcome, bucket) counts, the same growth", "", "", Format.count(perGroup * Double(Self.tenants * Self.stages) / Double(cells))],
            ],
            notes: ["before: after a warm-up of the same requests without labels; the per-tenant funnel of every group was checked after (\(Self.tenants) groups, the counts exact)"]
        )
        report.record("labels", [
            "tenants": Self.tenants, "stages": Self.stages, "clients": Self.clients, "seconds_per_run": self.seconds, "rounds": self.rounds,
            "load_generator": "wrk", "runs": runs, "medians": summary,
            "memory": [
                "rss_idle_bytes": memory.idle, "rss_after_groups_bytes": memory.after, "groups": Self.tenants * Self.stages,
                "outcomes": Self.outcomes.count, "buckets": Self.bucketAges.count, "bytes_per_group": perGroup,
            ] as [String: Any],
        ])
        report.target(
            "HTTP ingest with 1,000 tenant values within 1.5x the CPU per report of unlabelled",
            Format.times(worstCPURatio) + " (the worse of memory-only and durable)", met: worstCPURatio <= 1.5
        )
    }

    /// RSS of a fresh durable server after unlabelled warm-up requests, and after the same requests with labels.
    func memory() throws(FigureError) -> (idle: Int, after: Int) {
        let server = try FunnelServe(binary: self.binary, durability: "full", extraYAML: Self.pipelinesYAML)
        defer { server.stop() }
        let now = Int(Date().timeIntervalSince1970)
        func batches(pipeline: String, labelled: Bool) -> [[UInt8]] {
            Self.bucketAges.flatMap { age in
                Self.outcomes.flatMap { outcome in
                    ReportBodies.tenantBatches(pipeline: pipeline, tenants: Self.tenants, labelled: labelled, outcome: outcome, eventTime: now - age)
                }
            }
        }
        for body in batches(pipeline: "plain", labelled: false) { try server.post(body) }
        _ = try server.http.get("/metrics")
        _ = try server.http.get("/api/v1/funnel?pipeline=plain")
        Monotonic.sleep(1.5)
        let idle = server.process.residentBytes
        for body in batches(pipeline: "events", labelled: true) { try server.post(body) }
        Monotonic.sleep(1.5)
        let after = server.process.residentBytes
        let groups = try Self.tenantGroups(server)
        let expected = UInt64(Self.bucketAges.count)
        for group in groups {
            let counts = group.stages.map { [$0.received, $0.passed, $0.failed] }
            guard group.stages.count == Self.stages, counts.allSatisfy({ $0 == [expected, expected, expected] }) else {
                throw FigureError(
                    "labels: group \(group.value) has stages \(group.stages.map(\.name)) with received/passed/failed \(counts), expected \(Self.stages) stages of \(expected) each"
                )
            }
        }
        return (idle, after)
    }

    /// The groups of `GET /api/v1/funnel?pipeline=events&by=tenant`; throws unless they are exactly the 1,000 tenants.
    static func tenantGroups(_ server: FunnelServe) throws(FigureError) -> [GroupedFunnel.Group] {
        let text = try server.http.get("/api/v1/funnel?pipeline=events&by=tenant")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let grouped: GroupedFunnel
        do {
            grouped = try decoder.decode(GroupedFunnel.self, from: Data(text.utf8))
        } catch {
            throw FigureError("labels: /api/v1/funnel?pipeline=events&by=tenant is not a grouped funnel (\(error)): \(text.prefix(300))")
        }
        let values = Set(grouped.groups.map(\.value))
        let expected = Set((0..<Self.tenants).map(ReportBodies.tenant))
        guard grouped.groups.count == Self.tenants, values == expected else {
            throw FigureError(
                "labels: /api/v1/funnel?pipeline=events&by=tenant answered \(grouped.groups.count) groups (\(values.subtracting(expected).sorted().prefix(5)) unexpected, \(expected.subtracting(values).count) tenants missing), expected the \(Self.tenants) tenants"
            )
        }
        return grouped.groups
    }

    /// The median of each figure over `samples` (taken separately); non-2xx summed.
    static func median(_ samples: [Measured]) -> Measured {
        func middle(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return .nan }
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        return Measured(
            reportsPerSecond: middle(samples.map(\.reportsPerSecond)), cpuSecondsPerMillion: middle(samples.map(\.cpuSecondsPerMillion)),
            p99Millis: middle(samples.map(\.p99Millis)), non2xx: samples.map(\.non2xx).reduce(0, +)
        )
    }
}
