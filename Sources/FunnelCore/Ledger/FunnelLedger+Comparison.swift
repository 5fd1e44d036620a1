extension FunnelLedger {
    // MARK: Comparisons

    /// `comparison` over the buckets of event time `[fromMillis, toMillis)` that both pipelines have settled; nil
    /// bounds mean everything retained.
    ///
    /// Buckets are paired on a grid of the least common multiple of the two pipelines' bucket widths (the same
    /// width when they agree); a paired bucket counts once every bucket of both pipelines in it is settled. Each
    /// side's totals are its funnel over exactly those buckets, so they add up to the per-bucket figures. Call
    /// ``settle(nowMillis:)`` first so "settled" means settled now.
    public func comparison(_ comparison: Comparison, fromMillis: Int64? = nil, toMillis: Int64? = nil, includeBuckets: Bool = false) -> ComparisonReport {
        let baseline = self.pipeline(named: comparison.baseline)
        let candidate = self.pipeline(named: comparison.candidate)
        let grid = Self.pairedBucketSeconds(baseline?.settings.bucketSeconds, candidate?.settings.bucketSeconds)
        let boundary = Self.commonSettledBoundary(baseline, candidate, grid: grid)
        let inRange: (Int64) -> Bool = { start in
            (fromMillis.map { Int128(start) * 1000 >= Int128($0) } ?? true) && (toMillis.map { Int128(start) * 1000 < Int128($0) } ?? true)
        }
        var cells: [Int64: (baseline: ComparisonBucket.Counts, candidate: ComparisonBucket.Counts)] = [:]
        for (side, ledger) in [baseline, candidate].enumerated() {
            guard let ledger, let last = ledger.stages.indices.last else { continue }
            for (start, bucket) in ledger.buckets where inRange(start) {
                let counts = ComparisonBucket.Counts(
                    ingested: bucket.stages.first?.received ?? 0, delivered: last < bucket.stages.count ? bucket.stages[last].passed : 0
                )
                let cell = Self.floor(start, grid)
                var pair = cells[cell] ?? (baseline: ComparisonBucket.Counts(), candidate: ComparisonBucket.Counts())
                if side == 0 { pair.baseline = Self.adding(pair.baseline, counts) } else { pair.candidate = Self.adding(pair.candidate, counts) }
                cells[cell] = pair
            }
        }
        var buckets: [ComparisonBucket] = []
        var windows: [BackfillWindow] = []
        var open: (from: Int64, to: Int64, events: UInt64)?
        var mismatch: UInt64 = 0
        var backfill: UInt64 = 0
        var settledBuckets = 0
        func close() {
            guard let window = open else { return }
            windows.append(
                BackfillWindow(from: EventTimestamp.formatRFC3339(millis: window.from * 1000), to: EventTimestamp.formatRFC3339(millis: window.to * 1000), events: window.events)
            )
            open = nil
        }
        for (start, pair) in cells.sorted(by: { $0.key < $1.key }) {
            let settled = boundary.map { start + grid <= $0 } ?? false
            let extra = settled ? pair.candidate.delivered.subtractingSaturated(pair.baseline.delivered) : 0
            if settled {
                settledBuckets += 1
                let difference = pair.baseline.ingested > pair.candidate.ingested
                    ? pair.baseline.ingested - pair.candidate.ingested : pair.candidate.ingested - pair.baseline.ingested
                mismatch = mismatch.addingSaturated(difference)
                backfill = backfill.addingSaturated(extra)
            }
            if extra > 0, let window = open, window.to == start {
                open = (from: window.from, to: start + grid, events: window.events.addingSaturated(extra))
            } else {
                close()
                if extra > 0 { open = (from: start, to: start + grid, events: extra) }
            }
            if includeBuckets {
                buckets.append(
                    ComparisonBucket(
                        start: EventTimestamp.formatRFC3339(millis: start * 1000), end: EventTimestamp.formatRFC3339(millis: (start + grid) * 1000),
                        settled: settled, baseline: pair.baseline, candidate: pair.candidate, backfill: extra
                    )
                )
            }
        }
        close()
        let settledTo = boundary.map { end in toMillis.map { min($0, end * 1000) } ?? end * 1000 }
        let baselineSide = self.comparisonSide(comparison.baseline, fromMillis: fromMillis, toMillis: settledTo)
        let candidateSide = self.comparisonSide(comparison.candidate, fromMillis: fromMillis, toMillis: settledTo)
        return ComparisonReport(
            name: comparison.name,
            from: fromMillis.map { EventTimestamp.formatRFC3339(millis: $0) },
            to: toMillis.map { EventTimestamp.formatRFC3339(millis: $0) },
            bucketSeconds: grid,
            settledBefore: boundary.map { EventTimestamp.formatRFC3339(millis: $0 * 1000) },
            settledBuckets: settledBuckets,
            baseline: baselineSide, candidate: candidateSide,
            inputMismatch: mismatch, backfillEvents: backfill,
            verdict: ComparisonVerdict(baseline: baselineSide, candidate: candidateSide, inputMismatch: mismatch, buckets: settledBuckets),
            backfillWindows: windows,
            buckets: includeBuckets ? buckets : nil
        )
    }

    /// `comparison` over the last `windowSeconds` both pipelines have settled, for alarms; nil until both have
    /// settled something.
    public func recentComparison(_ comparison: Comparison, windowSeconds: Int64) -> ComparisonReport? {
        let baseline = self.pipeline(named: comparison.baseline)
        let candidate = self.pipeline(named: comparison.candidate)
        let grid = Self.pairedBucketSeconds(baseline?.settings.bucketSeconds, candidate?.settings.bucketSeconds)
        guard let boundary = Self.commonSettledBoundary(baseline, candidate, grid: grid) else { return nil }
        let (from, overflow) = boundary.subtractingReportingOverflow(windowSeconds)
        guard !overflow else { return nil }
        return self.comparison(comparison, fromMillis: from.multipliedReportingOverflow(by: 1000).partialValue, toMillis: boundary * 1000)
    }

    /// One side's settled totals over `[fromMillis, toMillis)`, all of which is settled; empty when `toMillis` is
    /// nil (nothing settled) or the pipeline is unknown.
    private func comparisonSide(_ pipeline: String, fromMillis: Int64?, toMillis: Int64?) -> ComparisonSide {
        guard let ledger = self.pipeline(named: pipeline) else { return ComparisonSide(pipeline: pipeline, known: false) }
        guard let toMillis, fromMillis.map({ $0 < toMillis }) ?? true,
            let funnel = self.funnel(pipeline: pipeline, fromMillis: fromMillis, toMillis: toMillis, includeLatency: false)
        else {
            return ComparisonSide(pipeline: pipeline, stages: ledger.stages.map { ComparisonSide.Stage(name: $0) })
        }
        let totals = funnel.totals
        return ComparisonSide(
            pipeline: pipeline, ingested: totals.settledIngested, delivered: totals.settledDelivered, deliveryRatio: totals.deliveryRatio,
            lost: totals.lost, failed: totals.settledFailed, recovered: totals.recovered, recoverable: totals.recoverable,
            netMissing: totals.netMissing,
            stages: funnel.stages.map { stage in
                ComparisonSide.Stage(
                    name: stage.name, received: stage.settled.received, passed: stage.settled.passed, failed: stage.settled.failed,
                    deadLettered: stage.settled.deadLettered, lost: stage.lost
                )
            }
        )
    }

    /// The width of a paired bucket: the least common multiple of both widths (each divides a day, so it does too).
    static func pairedBucketSeconds(_ baseline: Int64?, _ candidate: Int64?) -> Int64 {
        guard let baseline, let candidate else { return baseline ?? candidate ?? PipelineSettings().bucketSeconds }
        var (a, b) = (baseline, candidate)
        while b != 0 { (a, b) = (b, a % b) }
        return baseline / a * candidate
    }

    /// The first paired bucket not settled in both pipelines; nil until both have settled something.
    static func commonSettledBoundary(_ baseline: PipelineLedger?, _ candidate: PipelineLedger?, grid: Int64) -> Int64? {
        guard let baseline, let candidate, baseline.settledBoundary != .min, candidate.settledBoundary != .min else { return nil }
        return Self.floor(min(baseline.settledBoundary, candidate.settledBoundary), grid)
    }

    private static func floor(_ seconds: Int64, _ grid: Int64) -> Int64 {
        let remainder = seconds % grid
        return remainder >= 0 ? seconds - remainder : seconds - remainder - grid
    }

    private static func adding(_ lhs: ComparisonBucket.Counts, _ rhs: ComparisonBucket.Counts) -> ComparisonBucket.Counts {
        ComparisonBucket.Counts(ingested: lhs.ingested.addingSaturated(rhs.ingested), delivered: lhs.delivered.addingSaturated(rhs.delivered))
    }
}
