public import FunnelCore
import Synchronization

// MARK: What each part of the server shows in /metrics

extension ReportIntake: MetricsSource {
    /// Writes the ingest counters and how far settling is behind.
    public func emit(into writer: inout ExpositionWriter) {
        self.ingestCounters.emit(into: &writer)
        writer.family("funnel_settle_lag_seconds", .gauge, help: "Seconds since buckets were last settled and pruned (settle_interval when all is well).")
        writer.sample(ExpositionLabels.none, self.settleLagSeconds)
    }

    /// The ledger's families, written from a copy settled to now, outside the ledger's lock: ingest goes on while a
    /// large scrape is written.
    ///
    /// Each series' labels are rendered once, when the series appears: the sets of the last scrape are kept and
    /// reused while the ledger has the same series.
    public var ledgerFamilies: some MetricsSource {
        LedgerFamiliesSource(intake: self)
    }

    /// Each pipeline's delivery figures, read under the ledger's lock (O(stages)) and written outside it.
    public var pipelineDelivery: some MetricsSource {
        SettledLedgerSource(intake: self) { PipelineDelivery($0) }
    }

    /// The families of `comparisons` as they are configured at each scrape, with the input mismatch over each
    /// `mismatchWindows` (by comparison), read under the ledger's lock (O(retained buckets of the compared pipelines)
    /// per window) and written outside it.
    public func comparisonFamilies(_ comparisons: RunningValue<[Comparison]>, mismatchWindows: RunningValue<[String: [Int64]]>) -> some MetricsSource {
        SettledLedgerSource(intake: self) { ComparisonFamilies($0, comparisons: comparisons.value, mismatchWindows: mismatchWindows.value) }
    }

    /// The watermark families of the stages whose pipelines send watermarks.
    public var watermarkFamilies: some MetricsSource {
        SettledLedgerSource(intake: self) { WatermarkFamilies($0) }
    }
}

/// The ledger's families, with the label sets kept from the last scrape.
private struct LedgerFamiliesSource: MetricsSource {
    let intake: ReportIntake

    func emit(into writer: inout ExpositionWriter) async {
        let kept = self.intake.scrapeLabels.withLock { $0 }
        let ledger = self.intake.settledLedger()
        let labels = LedgerFamilies(ledger, labels: kept).currentLabels
        self.intake.scrapeLabels.withLock { $0 = labels }
        LedgerFamilies(ledger, labels: labels).emit(into: &writer)
    }
}

/// Families read from the intake's ledger settled to now: `read` takes what they need under the ledger's lock.
private struct SettledLedgerSource<Families: MetricsSource>: MetricsSource {
    let intake: ReportIntake
    let read: @Sendable (borrowing FunnelLedger) -> Families

    func emit(into writer: inout ExpositionWriter) async {
        await self.intake.withSettledLedger(self.read).emit(into: &writer)
    }
}

extension ConnectionGate: MetricsSource {
    /// Writes the HTTP listener's connection counters.
    public func emit(into writer: inout ExpositionWriter) {
        self.counters.emit(into: &writer)
    }
}

extension DLQSourceService: MetricsSource {
    /// Writes the health of each DLQ source.
    public func emit(into writer: inout ExpositionWriter) {
        DLQSourceList(sources: self.statuses).emit(into: &writer)
    }
}

extension AlarmService: MetricsSource {
    /// Writes the state of each alarm.
    public func emit(into writer: inout ExpositionWriter) {
        AlarmList(alarms: self.statuses).emit(into: &writer)
    }
}

extension WebhookSender: MetricsSource {
    /// Writes the delivery counters of each receiver and the outbox depth, read from the store.
    public func emit(into writer: inout ExpositionWriter) async {
        await self.currentCounters().emit(into: &writer)
    }
}

extension StatsDListener: MetricsSource {
    /// Writes the listener's line counters, kernel drops and receive buffer size.
    public func emit(into writer: inout ExpositionWriter) {
        self.counters.emit(into: &writer)
    }
}
