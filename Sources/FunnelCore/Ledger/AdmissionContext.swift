/// What one admission reads and never changes: the ledger, what earlier admitted batches hold, and the time; and the
/// refusals it words.
struct AdmissionContext {
    let ledger: FunnelLedger
    let pending: PendingAdmissions
    let nowMillis: Int64
    /// The latency histogram bounds, in seconds.
    let bounds: [Double]
    /// Whether refusals are put in words. Only a sender that is answered reads them (HTTP); a StatsD flood past a
    /// limit would otherwise pay for a sentence per refused line, under the ledger's lock.
    let describesRefusals: Bool

    init(ledger: FunnelLedger, pending: PendingAdmissions, nowMillis: Int64, describesRefusals: Bool) {
        self.ledger = ledger
        self.pending = pending
        self.nowMillis = nowMillis
        self.bounds = ledger.policy.latencyBucketsSeconds
        self.describesRefusals = describesRefusals
    }

    private var policy: LedgerPolicy { self.ledger.policy }

    /// A refusal of entry `index`; `problem` is only worked out when refusals are put in words.
    func refusal(_ reason: ReportRejection.Reason, index: Int, field: String, _ problem: @autoclosure () -> String) -> ReportRejection {
        ReportRejection(reason, index: index, field: field, self.describesRefusals ? problem() : "")
    }

    /// Refuses an event time too far in the future or older than the retention.
    func checkEventTime(_ eventTime: Int64, index: Int, settings: PipelineSettings) throws(ReportRejection) {
        let aheadSeconds = FunnelLedger.secondsAhead(eventTime, of: self.nowMillis)
        if aheadSeconds > self.policy.maximumFutureSeconds {
            throw self.refusal(
                .eventTimeOutOfRange, index: index, field: "event_time",
                "\(EventTimestamp.formatRFC3339(millis: eventTime)) is \(aheadSeconds)s in the future (limit \(self.policy.maximumFutureSeconds)s); check the sender's clock"
            )
        }
        let start = settings.bucketStart(forMillis: eventTime)
        if start + settings.bucketSeconds <= PipelineSettings.floorSeconds(self.nowMillis) - self.policy.retentionSeconds {
            throw self.refusal(
                .eventTimeOutOfRange, index: index, field: "event_time",
                "\(EventTimestamp.formatRFC3339(millis: eventTime)) is older than the retention of \(self.policy.retentionSeconds)s"
            )
        }
    }

    /// The refusal of a report that would take its series past ``StageCounts/maximum``.
    func overflow(_ report: StageReport, _ slot: AdmissionSlot, _ index: Int) -> ReportRejection {
        self.refusal(
            .countOverflow, index: index, field: "count",
            "would take series \(report.pipeline)/\(report.stage)/\(report.outcome.name) past the maximum of \(StageCounts.maximum) events (counted so far: \(slot.committed[report.outcome].addingSaturated(slot.totals[report.outcome]))); nothing of this request was stored"
        )
    }
}
