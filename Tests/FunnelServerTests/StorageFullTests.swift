import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A full database (SQLite's `max_page_count` reached, as on a full disk) answers `507 storage_full`, counted,
/// while reads keep working; ingest resumes once there is room again.
@Suite struct StorageFullTests {
    @Test func aFullDatabaseAnswers507AndIngestResumesWhenThereIsRoom() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(millis: t0)
        let configuration = FunnelConfiguration(dataDirectory: directory.path)
        let store = try FunnelStore(directory: directory.path)
        let intake = try ReportIntake(configuration: configuration, store: store, clock: clock.closure)
        let router = Router()
        FunnelRoutes(intake: intake, maximumBodyBytes: configuration.maximumBodyBytes, metrics: [intake]).register(on: router)
        let app = Application(router: router, logger: Logger(label: "funnel-test"))
        try await withRunning(intake.committer) {
            try await app.test(.router) { client in
                #expect(try await client.postReports(reportJSON("ingest", "received", count: 5)).status == 202)
                let pages = try await store.pageCount()
                #expect(try await store.limitPages(to: pages) == pages)
                var refusal: (status: Int, json: [String: Any], headers: HTTPFields)?
                var accepted = 0
                for bucket in 1...5_000 where refusal == nil {
                    // A new pipeline and bucket each time: new rows, so the database must grow.
                    let body = reportJSON("ingest", "received", eventTime: t0 - Int64(bucket) * minute, pipeline: "p\(bucket)")
                    let answer = try await client.postReports(body)
                    if answer.status == 202 { accepted += 1 } else { refusal = answer }
                }
                let refused = try #require(refusal, "the database never filled up (\(accepted) accepted)")
                #expect(refused.status == 507)
                #expect(refused.json["reason"] as? String == "storage_full")
                #expect(refused.headers[.retryAfter] != nil)
                #expect(try await client.postReports(reportJSON("ingest", "passed", count: 2, pipeline: "another")).status == 507)
                #expect(try await client.metricValue(#"funnel_ingest_rejected_total{reason="storage_full"}"#) == 2)

                #expect(try await client.getJSON("/api/v1/pipelines").status == 200)
                #expect(try await client.stage("ingest")?["received"] as? Int == 5)

                try await store.limitPages(to: 1_000_000)
                #expect(try await client.postReports(reportJSON("ingest", "received", count: 3)).status == 202)
                #expect(try await client.stage("ingest")?["received"] as? Int == 8)
            }
        }
    }

    @Test func otherStorageErrorsAreUnavailableAndNameTheFile() {
        let failure = StorageError(CocoaError(.fileWriteUnknown), path: "/data/funnel.sqlite")
        #expect(failure.kind == .unavailable)
        #expect(failure.reason == .storageUnavailable)
        #expect(failure.description.contains("/data/funnel.sqlite"))
    }
}
