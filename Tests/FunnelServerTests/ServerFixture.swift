import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// 2026-11-26T10:15:00Z, the start of a one-minute bucket.
let t0: Int64 = 1_795_688_100_000
let minute: Int64 = 60_000

/// A server built by `buildApplication` on a temporary data directory and a hand-driven clock.
struct ServerFixture {
    let directory: TemporaryDirectory
    let clock: ManualClock
    var configuration: FunnelConfiguration

    init(configuration: FunnelConfiguration = FunnelConfiguration(), now: Int64 = t0) throws {
        self.directory = try TemporaryDirectory()
        self.clock = ManualClock(millis: now)
        self.configuration = configuration
        self.configuration.dataDirectory = self.directory.path
        self.configuration.listenPort = 0
    }

    /// Runs `body` against the app through the real router.
    func withClient(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var logger = Logger(label: "funnel-test")
        logger.logLevel = .warning
        let app = try buildApplication(configuration: self.configuration, logger: logger, clock: self.clock.closure)
        try await app.test(.router, body)
    }
}

extension TestClientProtocol {
    /// Posts a reports body; returns status, parsed JSON body and headers.
    @discardableResult
    func postReports(_ body: String, idempotencyKey: String? = nil) async throws -> (status: Int, json: [String: Any], headers: HTTPFields) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let idempotencyKey { headers[HTTPField.Name("Idempotency-Key")!] = idempotencyKey }
        return try await self.execute(uri: "/v1/reports", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            let json = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
            return (Int(response.status.code), json, response.headers)
        }
    }

    /// Gets a JSON document; returns status and parsed body.
    func getJSON(_ uri: String) async throws -> (status: Int, json: [String: Any]) {
        try await self.execute(uri: uri, method: .get) { response in
            let json = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
            return (Int(response.status.code), json)
        }
    }

    /// Gets `/metrics` as text.
    func metrics(accept: String? = nil) async throws -> (text: String, contentType: String?) {
        var headers: HTTPFields = [:]
        if let accept { headers[.accept] = accept }
        return try await self.execute(uri: "/metrics", method: .get, headers: headers) { response in
            (String(buffer: response.body), response.headers[.contentType])
        }
    }

    /// The value of one metric sample line in `/metrics`, e.g. `funnel_ingest_rejected_total{reason="malformed_json"}`.
    func metricValue(_ series: String) async throws -> Double? {
        let text = try await self.metrics().text
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// The funnel's stage entry named `stage`.
    func stage(_ stage: String, pipeline: String = "orders") async throws -> [String: Any]? {
        let funnel = try await self.getJSON("/api/v1/funnel?pipeline=\(pipeline)").json
        return (funnel["stages"] as? [[String: Any]])?.first { $0["name"] as? String == stage }
    }
}

/// A JSON report object for request bodies.
func reportJSON(_ stage: String, _ outcome: String, count: Int = 1, eventTime: Int64? = t0, pipeline: String = "orders") -> String {
    var fields = [#""pipeline":"\#(pipeline)""#, #""stage":"\#(stage)""#, #""outcome":"\#(outcome)""#, #""count":\#(count)"#]
    if let eventTime { fields.append(#""event_time":"\#(EventTimestamp.formatRFC3339(millis: eventTime))""#) }
    return "{" + fields.joined(separator: ",") + "}"
}
