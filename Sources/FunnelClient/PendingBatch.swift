import Foundation
import FunnelCore

/// A sealed batch of reports waiting to be confirmed, with the `Idempotency-Key` it keeps across retries.
struct PendingBatch: Sendable {
    private(set) var reports: [StageReport]
    private(set) var body: [UInt8]
    private(set) var idempotencyKey: String
    /// Series aggregated into this batch: what the memory bound counts.
    let seriesCount: Int
    /// Failed attempts so far.
    var attempts = 0

    init(reports: [StageReport], seriesCount: Int) {
        self.reports = reports
        self.seriesCount = seriesCount
        self.body = ReportBodyWriter.body(reports)
        self.idempotencyKey = UUID().uuidString
    }

    var eventCount: UInt64 { self.reports.reduce(0) { $0 &+ $1.count } }

    /// Removes the report the server refused; the rest is a new request body, so it gets a new key.
    mutating func removeReport(at index: Int) -> StageReport {
        let removed = self.reports.remove(at: index)
        self.body = ReportBodyWriter.body(self.reports)
        self.idempotencyKey = UUID().uuidString
        return removed
    }
}
