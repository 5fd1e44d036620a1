extension FunnelLedger {
    // MARK: Admission

    /// Checks `entries` against the time window, the limits and the counter maximum and aggregates them into a
    /// batch, without changing the ledger.
    ///
    /// `pending` holds what batches admitted earlier but not yet applied will add (see ``PendingAdmissions``);
    /// the caller holds the returned batch there until it is applied or released. One pass: under
    /// ``AdmissionPolicy/allOrNothing`` the first refused entry is thrown, under ``AdmissionPolicy/skipRefused``
    /// each refused entry is left out, listed in ``Admission/refused`` with its reason (its words are left out: nobody
    /// reads them, and a flood past a limit would pay for them), and the rest admitted as if it had not come.
    public func admit(
        _ entries: IngestEntries, policy: AdmissionPolicy, pending: PendingAdmissions = PendingAdmissions(), nowMillis: Int64
    ) throws(ReportRejection) -> Admission {
        let context = AdmissionContext(ledger: self, pending: pending, nowMillis: nowMillis, describesRefusals: policy == .allOrNothing)
        var state = AdmissionState()
        var refused: [Admission.Refusal] = []
        func refuse(_ rejection: ReportRejection) throws(ReportRejection) {
            guard policy == .skipRefused else { throw rejection }
            refused.append(Admission.Refusal(index: rejection.index ?? 0, rejection: rejection))
        }
        let depthsFrom = entries.stageReports.count + entries.latencies.count
        for (offset, depth) in entries.queueDepths.enumerated() {
            do throws(ReportRejection) {
                try state.admit(depth, index: depthsFrom + offset, in: context)
            } catch {
                try refuse(error)
            }
        }
        for (index, report) in entries.stageReports.enumerated() {
            do throws(ReportRejection) {
                try state.admit(report, index: index, in: context)
            } catch {
                try refuse(error)
            }
        }
        for (offset, latency) in entries.latencies.enumerated() {
            do throws(ReportRejection) {
                try state.admit(latency, index: entries.stageReports.count + offset, in: context)
            } catch {
                try refuse(error)
            }
        }
        let watermarksFrom = depthsFrom + entries.queueDepths.count
        for (offset, watermark) in entries.watermarks.enumerated() {
            do throws(ReportRejection) {
                try state.admit(watermark, index: watermarksFrom + offset, in: context)
            } catch {
                try refuse(error)
            }
        }
        refused.sort { $0.index < $1.index }
        let reportCount = entries.stageReports.count + entries.queueDepths.count + entries.watermarks.count - refused.count
        return Admission(batch: state.batch(reportCount: reportCount), refused: refused)
    }

    /// Admits stage reports all or nothing against a ledger with nothing pending.
    public func admit(_ reports: [StageReport], nowMillis: Int64) throws(ReportRejection) -> ReportBatch {
        try self.admit(IngestEntries(stageReports: reports), policy: .allOrNothing, nowMillis: nowMillis).batch
    }

    /// Admits a `POST /v1/reports` body all or nothing against a ledger with nothing pending.
    public func admit(_ body: ReportBody, nowMillis: Int64) throws(ReportRejection) -> ReportBatch {
        try self.admit(IngestEntries(body), policy: .allOrNothing, nowMillis: nowMillis).batch
    }

    /// Whole seconds `millis` lies after `nowMillis` (negative before it), saturating for times a caller made up.
    static func secondsAhead(_ millis: Int64, of nowMillis: Int64) -> Int64 {
        let (difference, overflow) = millis.subtractingReportingOverflow(nowMillis)
        return overflow ? (millis > nowMillis ? .max : .min) : difference / 1000
    }
}
