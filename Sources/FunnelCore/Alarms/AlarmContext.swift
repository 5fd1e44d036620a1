/// The `description` of an alarm's notification: one line about the alarm's own subject, with its numbers.
///
/// A DLQ alarm names the stage dead-lettering into its queue (the rule's `stage`, else the stage with the most dead
/// letters not redriven), a loss alarm the stage or hop it watches, a latency alarm the percentiles of its stage;
/// only the delivery ratio, which is about the whole pipeline, names the stage losing the most.
enum AlarmContext {
    /// The line for `kind` (about one label group's funnel for a copy of a `by` rule), or nil when the ledger has
    /// nothing to say about its subject yet.
    static func line(for kind: AlarmKind, ledger: FunnelLedger, nowMillis: Int64, group: AlarmGroup? = nil) -> String? {
        switch kind {
        case .dlqDepth(let pipeline, let queue, let stage):
            guard let line = Self.deadLettering(pipeline, stage: stage, ledger) else { return nil }
            return "\(line.stage) stage dead-letters into \(queue): \(Self.deadLetters(line.counts))"
        case .dlqGrowth(let pipeline, let stage, _):
            guard let line = Self.deadLettering(pipeline, stage: stage, ledger) else { return nil }
            return "\(line.stage) stage: \(Self.deadLetters(line.counts))"
        case .silentLoss(let pipeline, let stage, let window):
            guard let line = AlarmMeasurement.settledFunnel(ledger, pipeline, window, group: group)?.stages.first(where: { $0.name == stage }) else {
                return nil
            }
            let counts = line.settled
            return "\(stage) stage: received \(counts.received), passed \(counts.passed), failed \(counts.failed), dead-lettered \(counts.deadLettered), "
                + "silently lost \(line.lost) in the last settled \(DurationText.format(seconds: window))"
        case .transitLoss(let pipeline, let from, let to, let window):
            guard let funnel = AlarmMeasurement.settledFunnel(ledger, pipeline, window, group: group),
                let hop = funnel.transit.first(where: { $0.from == from && (to == nil || $0.to == to) })
            else { return nil }
            return "\(hop.from) passed on \(hop.passed), \(hop.to) received \(hop.received): \(hop.lost) lost in transit "
                + "in the last settled \(DurationText.format(seconds: window))"
        case .deliveryRatio(let pipeline, let window):
            guard let funnel = AlarmMeasurement.settledFunnel(ledger, pipeline, window, group: group) else { return nil }
            let subject = group.map { "\(pipeline) \($0.label) \($0.value)" } ?? pipeline
            let totals = "\(subject): ingested \(funnel.totals.settledIngested), delivered \(funnel.totals.settledDelivered) in the last settled \(DurationText.format(seconds: window))"
            let worst = funnel.stages.filter { $0.settled.received > 0 && $0.lost + $0.settled.failed + $0.settled.deadLettered > 0 }.max { lhs, rhs in
                Self.shortfall(lhs) < Self.shortfall(rhs)
            }
            guard let worst else { return totals }
            return totals + "; most missing at \(worst.name): \(worst.settled.failed) failed, \(worst.settled.deadLettered) dead-lettered, \(worst.lost) silently lost"
        case .latency(let pipeline, let stage, _, let window):
            let sketch =
                stage.map { ledger.latency.sketch(stage: StageKey(pipeline: pipeline, stage: $0), window: window, nowMillis: nowMillis) }
                ?? ledger.latency.endToEndSketch(pipeline: pipeline, window: window, nowMillis: nowMillis)
            guard sketch.count > 0 else { return nil }
            let percentiles = [50.0, 95, 99].compactMap { p in sketch.quantile(p / 100).map { "p\(AlarmText.number(p)) \(AlarmText.number($0)) ms" } }
            return "\(stage.map { "\($0) stage" } ?? "end to end"): \(percentiles.joined(separator: ", ")) over \(window.rawValue) (\(sketch.count) events)"
        case .stalled(let pipeline, let stage, _):
            guard let ledger = ledger.pipeline(named: pipeline), let index = ledger.position(of: stage) else { return nil }
            let received = "\(stage) received \(ledger.total[index].received) in all"
            guard index > 0 else { return received }
            return "\(ledger.stages[index - 1]) passed on \(ledger.total[index - 1].passed), \(received)"
        case .watermarkLag(let pipeline, let stage):
            guard let stages = stage.map({ [$0] }) ?? ledger.pipeline(named: pipeline)?.stages else { return nil }
            let marks = stages.compactMap { name in
                ledger.lastKnownWatermark(pipeline: pipeline, stage: name, nowMillis: nowMillis).map { (stage: name, millis: $0) }
            }
            guard let lowest = marks.min(by: { $0.millis < $1.millis }) else { return nil }
            return "\(lowest.stage) stage watermark at \(EventTimestamp.formatRFC3339(millis: lowest.millis))"
        case .dlqSourceDown, .comparison:
            return nil
        }
    }

    /// `stage`'s as-reported counts, or those of the pipeline's stage with the most dead letters outstanding.
    private static func deadLettering(_ pipeline: String, stage: String?, _ ledger: FunnelLedger) -> (stage: String, counts: StageCounts)? {
        guard let ledger = ledger.pipeline(named: pipeline) else { return nil }
        if let stage {
            return ledger.position(of: stage).map { (stage, ledger.total[$0]) }
        }
        let candidates = zip(ledger.stages, ledger.total).map { (stage: $0.0, counts: $0.1) }.filter { $0.counts.deadLettered > 0 }
        return candidates.max { ($0.counts.dlqOutstanding, $0.counts.deadLettered) < ($1.counts.dlqOutstanding, $1.counts.deadLettered) }
    }

    private static func deadLetters(_ counts: StageCounts) -> String {
        "\(counts.deadLettered) dead-lettered (\(counts.dlqOutstanding) not redriven) of \(counts.received) received"
    }

    private static func shortfall(_ stage: StageFunnel) -> Double {
        Double(stage.lost.addingSaturated(stage.settled.failed).addingSaturated(stage.settled.deadLettered)) / Double(stage.settled.received)
    }
}
