import FunnelCore
import Synchronization

/// Takes OTLP metrics exports into the one ingest path: maps them (``OTLPMapping``), turns cumulative points into
/// differences (``CumulativeStreams``), and hands the entries to ``ReportIntake`` with the streams' new positions,
/// which are stored in the transaction of the counts.
///
/// Requests with cumulative points pass one at a time (a ``Turnstile``), from reading their streams' positions
/// until the counts are stored and the positions moved; delta-only requests run concurrently.
public final class OTLPReceiver: Sendable {
    let intake: ReportIntake
    private let streams: Mutex<CumulativeStreams>
    private let counters = Mutex(OTLPCounters())
    private let turnstile = Turnstile()
    private let lastForgetMillis: Mutex<Int64>
    /// The most cumulative streams of each kind kept; points of new streams past it are rejected.
    static let maximumStreams = 100_000
    /// A cumulative stream without a point for this long is forgotten (24 hours).
    static let idleStreamMillis: Int64 = 86_400_000

    /// Restores the positions of cumulative streams from the intake's store.
    public init(intake: ReportIntake) throws {
        self.intake = intake
        let now = intake.nowMillis
        self.streams = Mutex(
            CumulativeStreams(
                restoring: try intake.store.cumulativePositions(), maximumStreams: Self.maximumStreams,
                trackingSinceNanos: UInt64(max(0, now)) &* 1_000_000
            )
        )
        self.lastForgetMillis = Mutex(now)
    }

    /// A copy of the receiver's counters.
    public var statistics: OTLPCounters { self.counters.withLock { $0 } }

    /// Counts a request answered without reaching ``export(_:)`` (refused before its body was decoded).
    func count(_ result: OTLPCounters.RequestResult) {
        self.counters.withLock { $0.requests[result, default: 0] &+= 1 }
    }

    /// Ingests one export; throws ``StorageError`` when the database cannot take the write (nothing was counted).
    func export(_ request: OTLPExportRequest) async throws -> OTLPExportResponse {
        let mapped = OTLPMapping.map(request, declaredLabels: self.intake.declaredLabels())
        do {
            let taken: (accepted: Int, rejected: OTLPRejections)
            if mapped.hasCumulativePoints {
                taken = try await self.turnstile.pass { try await self.ingest(mapped) }
            } else {
                taken = try await self.ingest(mapped)
            }
            self.counters.withLock { counters in
                counters.acceptedPoints &+= UInt64(taken.accepted)
                counters.ignoredPoints &+= UInt64(mapped.ignored)
                counters.rejectedPoints &+= UInt64(taken.rejected.count)
                counters.requests[taken.rejected.isEmpty ? .accepted : .partial, default: 0] &+= 1
            }
            var response = OTLPExportResponse()
            if !taken.rejected.isEmpty {
                response.partialSuccess.rejectedDataPoints = Int64(taken.rejected.count)
                response.partialSuccess.errorMessage = taken.rejected.summary
            }
            return response
        } catch {
            self.count(.unavailable)
            throw error
        }
    }

    private func ingest(_ mapped: OTLPMappedMetrics) async throws -> (accepted: Int, rejected: OTLPRejections) {
        let now = self.intake.nowMillis
        let bounds = self.intake.latencyBucketsSeconds
        var rejected = mapped.rejected
        var entries = IngestEntries()
        var reportLocations: [OTLPPointLocation] = []
        var laterLocations: [OTLPPointLocation] = []
        var changes = CumulativeStreams.Changes()
        var accepted = 0
        self.streams.withLock { streams in
            for point in mapped.counts {
                var events = point.value
                if point.temporality == .cumulative {
                    switch streams.advance(point, seenMillis: now, changes: &changes) {
                    case .add(let added): events = added
                    case .seen: events = 0
                    case .tooManyStreams:
                        rejected.add("\(point.location): \(Self.streamLimitProblem)")
                        continue
                    }
                }
                accepted += 1
                guard events > 0 else { continue }
                entries.stageReports.append(
                    StageReport(
                        pipeline: point.pipeline, stage: point.stage, outcome: point.outcome, count: events, eventTimeMillis: point.eventTimeMillis,
                        labels: point.labels
                    )
                )
                reportLocations.append(point.location)
            }
            for point in mapped.latencies {
                var buckets: OTLPLatencyBuckets? = point.buckets
                if point.temporality == .cumulative {
                    let advance = streams.advance(point, seenMillis: now, changes: &changes)
                    if advance.refused {
                        rejected.add("\(point.location): \(Self.streamLimitProblem)")
                        continue
                    }
                    buckets = advance.added
                }
                accepted += 1
                guard let buckets, buckets.count > 0 else { continue }
                var observations = LatencyObservations(bucketsSeconds: bounds)
                buckets.record(into: &observations, millisPerUnit: point.millisPerUnit)
                guard !observations.sketch.isEmpty else { continue }
                entries.latencies.append(StageLatency(pipeline: point.pipeline, stage: point.stage, eventTimeMillis: point.eventTimeMillis, observations: observations))
                laterLocations.append(point.location)
            }
        }
        for (report, location) in mapped.depths {
            entries.queueDepths.append(report)
            laterLocations.append(location)
            accepted += 1
        }
        let positions = Array(changes.counts.values)
        if !entries.isEmpty || !positions.isEmpty {
            let locations = reportLocations + laterLocations
            do {
                let result = try await self.intake.ingest(entries, policy: .skipRefused, claim: nil, positions: positions)
                for refusal in result.refused {
                    let location = refusal.index < locations.count ? "\(locations[refusal.index])" : "entry \(refusal.index)"
                    rejected.add("\(location): \(Self.describe(refusal.rejection))")
                    accepted -= 1
                }
            } catch let rejection as ReportRejection {
                rejected.add("\(locations.first.map { "\($0)" } ?? "the request"): \(Self.describe(rejection))", times: locations.count)
                accepted -= locations.count
            }
        }
        self.streams.withLock { $0.keep(changes) }
        await self.forgetIdleStreams(nowMillis: now)
        return (accepted, rejected)
    }

    /// Forgets streams idle for ``idleStreamMillis``, at most every 10 minutes.
    private func forgetIdleStreams(nowMillis: Int64) async {
        let due = self.lastForgetMillis.withLock { last -> Bool in
            guard nowMillis - last >= 600_000 else { return false }
            last = nowMillis
            return true
        }
        guard due else { return }
        let cutoff = nowMillis - Self.idleStreamMillis
        self.streams.withLock { _ = $0.forget(seenBeforeMillis: cutoff) }
        // A failed delete is retried by the next pass; the rows it leaves are only restored to be forgotten again.
        try? await self.intake.store.forgetCumulativePositions(seenBeforeMillis: cutoff)
    }

    private static let streamLimitProblem =
        "a new cumulative stream past the limit of \(OTLPReceiver.maximumStreams) streams; streams without a point for 24 hours are forgotten"

    private static func describe(_ rejection: ReportRejection) -> String {
        let problem = rejection.problem.isEmpty ? "refused by the ledger (\(rejection.reason.rawValue))" : rejection.problem
        return rejection.field.map { "\($0): \(problem)" } ?? problem
    }
}
