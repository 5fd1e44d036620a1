import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Every answer of the server to a recorded scenario, byte for byte: the safety net for refactoring the write path.
///
/// The scenario runs through the real router on a manual clock, so every timestamp, age, window and settled boundary
/// is fixed. Alarms are evaluated by the running `AlarmService` on its own schedule; the scenario makes that
/// deterministic by following every change that can move an alarm (settling, a late event) with a DLQ depth report,
/// which wakes the evaluator at once, and waiting until the alarm list shows that depth. Any evaluation that happens
/// in between sees the same clock and the same loss, so it reaches the same states with the same timestamps.
///
/// The files are under `Golden/`. `FUNNEL_RECORD_GOLDEN=1 swift test --filter GoldenResponseTests` writes them anew
/// (and fails, so that recording never passes); read the diff before committing it.
@Suite struct GoldenResponseTests {
    @Test func recordedScenarioAnswersMatchTheGoldenFiles() async throws {
        let configuration = try FunnelConfiguration(yaml: Self.configuration, file: "golden.yml")
        let fixture = try ServerFixture(configuration: configuration, now: Self.start + 30_000)
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let session = GoldenSession(client: client, clock: fixture.clock)
            try await Self.ingest(session)
            try await Self.read(session)
            let text = try await session.metricsBody(accept: nil)
            let openMetrics = try await session.metricsBody(accept: "application/openmetrics-text; version=1.0.0")
            try GoldenFiles.check(session.ingestTranscript, against: "ingest.txt")
            try GoldenFiles.check(session.readTranscript, against: "read-api.txt")
            try GoldenFiles.check(text, against: "metrics.prom")
            try GoldenFiles.check(openMetrics, against: "metrics.openmetrics.txt")
        }
    }

    @Test func aMismatchNamesTheLineTheColumnAndTheSectionItIsIn() {
        let expected = "# TYPE a counter\na 1\n# TYPE b gauge\nb{x=\"1\"} 2\nb{x=\"2\"} 3\n"
        let actual = "# TYPE a counter\na 1\n# TYPE b gauge\nb{x=\"1\"} 2\nb{x=\"2\"} 4\n"
        #expect(GoldenFiles.firstDifference(expected: Array(expected.utf8), actual: Array(actual.utf8)) == """
            first difference at line 5, column 10, under "# TYPE b gauge"
            expected: b{x="2"} 3
            actual:   b{x="2"} 4
            """)
        #expect(GoldenFiles.firstDifference(expected: Array("a\nb\n".utf8), actual: Array("a\n".utf8)) == """
            first difference at line 2, column 1
            expected: b
            actual:   <end of file>
            """)
        #expect(GoldenFiles.firstDifference(expected: Array("same".utf8), actual: Array("same".utf8)) == nil)
    }

    // MARK: The scenario

    /// 2026-11-26T10:15:00Z, the start of a one-minute bucket; the clock starts 30 s later.
    static let start: Int64 = 1_795_688_100_000

    /// A declared pipeline of three stages, three alarm rules, and defaults otherwise (durability `full`).
    ///
    /// `max_connections` is pinned: by default it is derived from the machine's open-file limit, which `/metrics`
    /// shows as `funnel_http_connections_limit`.
    static let configuration = """
        pipelines:
          - name: orders
            stages: [ingest, process, deliver]
        alarms:
          - {name: orders-dlq, kind: dlq_depth, pipeline: orders, queue: orders-dlq, above: 100, clear_below: 80}
          - {name: orders-process-loss, kind: silent_loss, pipeline: orders, stage: process, above: 0.01}
          - {name: orders-transit-loss, kind: transit_loss, pipeline: orders, from: process, above: 0.01, for: 10m}
        limits:
          max_connections: 1024
        """

    /// The reports, at fixed times: two pipelines (`billing` is discovered), all four outcomes, latencies, DLQ depths,
    /// refusals, an idempotent replay, a late event; buckets 10:15 and 10:16 settle with silent and transit loss,
    /// 10:21 and 10:23 stay unsettled.
    static func ingest(_ session: GoldenSession) async throws {
        // 10:15:30. The first DLQ depth, before anything else can move an alarm.
        try await session.depth(3)
        try await session.post(
            """
            {"reports":[\
            {"pipeline":"orders","stage":"ingest","outcome":"received","count":100,"event_time":"2026-11-26T10:15:00Z"},\
            {"pipeline":"orders","stage":"ingest","outcome":"passed","count":100,"event_time":1795688100,"latency_ms":2},\
            {"pipeline":"orders","stage":"process","outcome":"received","count":100,"event_time":"2026-11-26T10:15:00Z"},\
            {"pipeline":"orders","stage":"process","outcome":"passed","count":90,"event_time":"2026-11-26T10:15:00Z","latencies_ms":[5,8,13,21,34]},\
            {"pipeline":"orders","stage":"process","outcome":"failed","count":3,"event_time":"2026-11-26T10:15:00Z"},\
            {"pipeline":"orders","stage":"process","outcome":"dead_lettered","count":2,"event_time":"2026-11-26T10:15:00Z","latency_ms":250.5},\
            {"pipeline":"orders","stage":"deliver","outcome":"received","count":88,"event_time":"2026-11-26T10:15:00Z"},\
            {"pipeline":"orders","stage":"deliver","outcome":"passed","count":88,"event_time":"2026-11-26T10:15:00Z","latency_ms":40,"end_to_end_ms":1500}\
            ]}
            """
        )
        // No event_time: bucketed by arrival. Charge passes on one more than it received (excess), notify loses one;
        // mixed with a DLQ depth observed 20 s earlier.
        try await session.post(
            """
            [{"pipeline":"billing","stage":"charge","outcome":"received","count":10},\
            {"pipeline":"billing","stage":"charge","outcome":"passed","count":11},\
            {"pipeline":"billing","stage":"notify","outcome":"received","count":10},\
            {"pipeline":"billing","stage":"notify","outcome":"passed","count":9,"end_to_end_latencies_ms":[120,180,240]},\
            {"pipeline":"billing","queue":"billing-dlq","depth":1,"time":"2026-11-26T10:15:10Z"}]
            """
        )
        try await session.get("/api/v1/funnel?pipeline=orders", into: \.ingestTranscript)
        let once = #"{"pipeline":"orders","stage":"ingest","outcome":"received","count":50,"event_time":"2026-11-26T10:16:00Z"}"#
        try await session.post(once, idempotencyKey: "golden-batch-1")
        try await session.post(once, idempotencyKey: "golden-batch-1")
        try await session.post(once.replacingOccurrences(of: "50", with: "51"), idempotencyKey: "golden-batch-1")
        try await session.post(
            #"[{"pipeline":"orders","stage":"ingest","outcome":"received"},{"pipeline":"orders","stage":"ingest","outcome":"received","cnt":5}]"#
        )
        try await session.post(#"{"pipeline":"orders","stage":"ingest","outcome":"lost"}"#)
        try await session.post(#"{"pipeline":"orders","stage":"ingest","outcome":"passed","count":-2}"#)
        try await session.post(#"{"pipeline":"orders","stage":"ingest","#)
        try await session.post(String(repeating: " ", count: 8 * 1024 * 1024 + 1), shownAs: "<8388609 spaces: one byte over limits.max_body_bytes>")

        // 10:17:30. Bucket 10:16, in flight for now; the DLQ alarm fires.
        session.advance(toSecondsAfterStart: 150)
        try await session.post(
            """
            [{"pipeline":"orders","stage":"ingest","outcome":"passed","count":50,"event_time":"2026-11-26T10:16:00Z","latency_ms":3},\
            {"pipeline":"orders","stage":"process","outcome":"received","count":50,"event_time":"2026-11-26T10:16:00Z"},\
            {"pipeline":"orders","stage":"process","outcome":"passed","count":48,"event_time":"2026-11-26T10:16:00Z","latency_ms":12},\
            {"pipeline":"orders","stage":"process","outcome":"dead_lettered","count":2,"event_time":"2026-11-26T10:16:00Z"},\
            {"pipeline":"orders","stage":"deliver","outcome":"received","count":45,"event_time":"2026-11-26T10:16:00Z"},\
            {"pipeline":"orders","stage":"deliver","outcome":"passed","count":45,"event_time":"2026-11-26T10:16:00Z","end_to_end_ms":900}]
            """
        )
        try await session.depth(150)
        try await session.get("/api/v1/alarms", into: \.ingestTranscript)

        // 10:21:30. Bucket 10:15 settles: process lost 5 of 100, 2 of 90 passed on never reached deliver.
        session.advance(toSecondsAfterStart: 390)
        try await session.depth(160)
        try await session.get("/api/v1/alarms", into: \.ingestTranscript)

        // 10:21:40. The 2 lost in transit arrive late, so transit loss clears; bucket 10:21 starts, in flight.
        session.advance(toSecondsAfterStart: 400)
        try await session.post(
            """
            [{"pipeline":"orders","stage":"deliver","outcome":"received","count":2,"event_time":"2026-11-26T10:15:00Z"},\
            {"pipeline":"orders","stage":"deliver","outcome":"passed","count":2,"event_time":"2026-11-26T10:15:00Z"},\
            {"pipeline":"orders","stage":"ingest","outcome":"received","count":20,"event_time":"2026-11-26T10:21:00Z"},\
            {"pipeline":"orders","stage":"ingest","outcome":"passed","count":20,"event_time":"2026-11-26T10:21:00Z","latency_ms":3},\
            {"pipeline":"orders","stage":"process","outcome":"received","count":20,"event_time":"2026-11-26T10:21:00Z"},\
            {"pipeline":"orders","stage":"process","outcome":"passed","count":15,"event_time":"2026-11-26T10:21:00Z","latencies_ms":[6,6,7]}]
            """
        )
        try await session.depth(120)
        try await session.get("/api/v1/alarms", into: \.ingestTranscript)

        // 10:23:30. Bucket 10:16 settles (3 lost in transit); 10:21 (3 in transit) and 10:23 stay in flight; the DLQ
        // alarm resolves.
        session.advance(toSecondsAfterStart: 510)
        try await session.post(
            """
            [{"pipeline":"orders","stage":"deliver","outcome":"received","count":12,"event_time":"2026-11-26T10:21:00Z"},\
            {"pipeline":"orders","stage":"deliver","outcome":"passed","count":10,"event_time":"2026-11-26T10:21:00Z","latency_ms":35,"end_to_end_ms":2100},\
            {"pipeline":"billing","stage":"charge","outcome":"received","count":4}]
            """
        )
        try await session.depth(40)
    }

    /// Every read endpoint with its variants and its refusals, at the end of the scenario.
    static func read(_ session: GoldenSession) async throws {
        let from = 1_795_688_160  // 10:16:00Z as Unix seconds
        for uri in [
            "/api/v1/pipelines",
            "/api/v1/funnel?pipeline=orders",
            "/api/v1/funnel?pipeline=orders&detail=buckets",
            "/api/v1/funnel?pipeline=orders&from=2026-11-26T10:16:00Z&to=2026-11-26T10:22:00Z",
            "/api/v1/funnel?pipeline=orders&from=\(from)&detail=buckets",
            "/api/v1/funnel?pipeline=orders&to=2026-11-26T10:16:00Z&detail=buckets",
            "/api/v1/funnel?pipeline=orders&window=1m",
            "/api/v1/funnel?pipeline=orders&window=5m",
            "/api/v1/funnel?pipeline=orders&window=1h",
            "/api/v1/funnel?pipeline=billing&detail=buckets",
            "/api/v1/funnel?pipeline=orders&from=2026-11-26T11:00:00Z",
            "/api/v1/funnel",
            "/api/v1/funnel?pipeline=nope",
            "/api/v1/funnel?pipeline=orders&from=tuesday",
            "/api/v1/funnel?pipeline=orders&from=200&to=100",
            "/api/v1/funnel?pipeline=orders&detail=everything",
            "/api/v1/funnel?pipeline=orders&window=2m",
            "/api/v1/dlq",
            "/api/v1/dlq?pipeline=orders",
            "/api/v1/dlq?pipeline=nope",
            "/api/v1/dlq/sources",
            "/api/v1/alarms",
            "/-/healthy",
            "/-/ready",
            "/api/v1/status",
            "/api/v1/funnel/../pipelines",
            "/api/v1/%00",
            "/v1/reports",
        ] {
            try await session.get(uri)
        }
    }
}

// MARK: Recording the exchanges

/// The client and clock of one scenario run, and the transcripts of what was asked and answered.
final class GoldenSession {
    let client: any TestClientProtocol
    let clock: ManualClock
    /// Every `POST /v1/reports` with its answer.
    var ingestTranscript = ""
    /// Every read with its answer; the bodies of `/metrics` go to files of their own.
    var readTranscript = ""

    init(client: any TestClientProtocol, clock: ManualClock) {
        self.client = client
        self.clock = clock
    }

    func advance(toSecondsAfterStart seconds: Int64) {
        self.clock.advance(byMillis: GoldenResponseTests.start + seconds * 1000 - self.clock.now)
    }

    /// Posts a reports body and records the exchange.
    func post(_ body: String, idempotencyKey: String? = nil, shownAs shown: String? = nil) async throws {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let idempotencyKey { headers[HTTPField.Name("Idempotency-Key")!] = idempotencyKey }
        try await self.exchange(.post, "/v1/reports", headers: headers, body: body, shownAs: shown, into: \.ingestTranscript)
    }

    /// Reports the depth of `orders-dlq`, which wakes the alarm evaluator, and waits until an evaluation has seen it.
    ///
    /// Each depth differs from the one before, so the alarm's value tells that the evaluation came after the report.
    func depth(_ depth: Int) async throws {
        try await self.post(#"{"pipeline":"orders","queue":"orders-dlq","depth":\#(depth)}"#)
        _ = try await Deadline.poll("an alarm evaluation that saw orders-dlq at depth \(depth)", timeout: .seconds(30), interval: .milliseconds(10)) {
            () async throws -> Bool? in
            let alarms = try await self.client.getJSON("/api/v1/alarms").json["alarms"] as? [[String: Any]]
            let value = alarms?.first { $0["name"] as? String == "orders-dlq" }?["value"] as? Double
            return value == Double(depth) ? true : nil
        }
    }

    /// A read; those made during ingest go to the ingest transcript, to keep the order in which things happened.
    func get(_ uri: String, into transcript: ReferenceWritableKeyPath<GoldenSession, String> = \.readTranscript) async throws {
        try await self.exchange(.get, uri, into: transcript)
    }

    /// The body of `/metrics` (normalised); the status and headers go to the read transcript.
    func metricsBody(accept: String?) async throws -> String {
        var headers: HTTPFields = [:]
        if let accept { headers[.accept] = accept }
        let file = accept == nil ? "metrics.prom" : "metrics.openmetrics.txt"
        return try await self.exchange(.get, "/metrics", headers: headers, shownAnswerAs: "<body: Golden/\(file)>", into: \.readTranscript)
    }

    /// Sends one request and appends it and its answer to a transcript; returns the answer's body, normalised.
    ///
    /// An exchange is written as `### TIME METHOD URI`, the request headers and body, then `HTTP STATUS`, the answer's
    /// headers in the order the server set them, a blank line and the body followed by one line break.
    @discardableResult
    func exchange(
        _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: String? = nil, shownAs shown: String? = nil,
        shownAnswerAs shownAnswer: String? = nil, into transcript: ReferenceWritableKeyPath<GoldenSession, String>
    ) async throws -> String {
        let (status, answerHeaders, answer) = try await self.client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            (response.status.code, response.headers, String(buffer: response.body))
        }
        var text = "### \(EventTimestamp.formatRFC3339(millis: self.clock.now)) \(method.rawValue) \(uri)\n"
        for field in headers { text += "\(field.name.rawName): \(field.value)\n" }
        if let body { text += "\n\(shown ?? body)\n" }
        text += "\nHTTP \(status)\n"
        let normalised = GoldenFiles.normalised(answer)
        for field in answerHeaders {
            if field.name == .contentLength, normalised != answer {
                // The length shown is that of the body as shown; that the real one matched the bytes sent is checked here.
                #expect(field.value == String(answer.utf8.count), "Content-Length of \(uri)")
                text += "\(field.name.rawName): \(normalised.utf8.count)\n"
            } else {
                text += "\(field.name.rawName): \(field.value)\n"
            }
        }
        text += "\n\(shownAnswer ?? normalised)\n\n"
        self[keyPath: transcript] += text
        return normalised
    }
}

// MARK: Golden files

/// The files under `Tests/FunnelServerTests/Golden/`, compared byte for byte.
enum GoldenFiles {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// `FUNNEL_RECORD_GOLDEN=1` writes the files instead of comparing.
    static var isRecording: Bool { ProcessInfo.processInfo.environment["FUNNEL_RECORD_GOLDEN"] == "1" }

    /// What may differ between builds without the server behaving differently, replaced by a fixed marker.
    ///
    /// The build in `funnel_build_info` (version, revision, date, compiler); the `process_*` figures, the request and
    /// commit durations, the database size and the settle lag, which measure the machine rather than the server's
    /// answers (each of these families keeps its header, its series are shown as `<measured>`); and so the
    /// `Content-Length` of `/metrics`, which the transcript shows for the normalised body. Nothing else varies: the
    /// manual clock fixes times, ages and windows; the in-process router has no ports and no real connections; no
    /// answer names the data directory; `limits.max_connections` replaces the open-file limit.
    static func normalised(_ text: String) -> String {
        var lines: [Substring] = []
        var measured = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# ") {
                let name = line.split(separator: " ").dropFirst(2).first ?? ""
                measured = Self.measuredFamilies.contains { name.hasPrefix($0) }
                lines.append(line)
                if measured, line.hasPrefix("# TYPE") { lines.append("<measured>") }
            } else if line.hasPrefix("funnel_build_info{") {
                lines.append("funnel_build_info{<build>} 1")
            } else if !measured || line.isEmpty {
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Families whose values measure the machine.
    static let measuredFamilies = [
        "process_", "funnel_http_request_duration_seconds", "funnel_store_commit_duration_seconds", "funnel_store_size_bytes",
        "funnel_settle_lag_seconds",
    ]

    /// Compares `text` with the file `name`, or writes it when recording (and fails, saying so).
    static func check(_ text: String, against name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = self.directory.appendingPathComponent(name)
        let actual = Array(text.utf8)
        if self.isRecording {
            try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
            try Data(actual).write(to: url, options: .atomic)
            Issue.record(
                "FUNNEL_RECORD_GOLDEN=1: wrote Golden/\(name) (\(actual.count) bytes); read the diff, then run without it to compare",
                sourceLocation: sourceLocation
            )
            return
        }
        guard let expected = FileManager.default.contents(atPath: url.path) else {
            Issue.record("Golden/\(name) is missing; FUNNEL_RECORD_GOLDEN=1 writes it", sourceLocation: sourceLocation)
            return
        }
        if let difference = self.firstDifference(expected: Array(expected), actual: actual) {
            Issue.record("Golden/\(name) differs from the answer (FUNNEL_RECORD_GOLDEN=1 rewrites it): \(difference)", sourceLocation: sourceLocation)
        }
    }

    /// Where `actual` first departs from `expected`: the line and column (both from 1), the section heading above it
    /// (a transcript's `### ` line or a metric's `# TYPE` line), and both lines; nil when they are the same bytes.
    static func firstDifference(expected: [UInt8], actual: [UInt8]) -> String? {
        guard expected != actual else { return nil }
        let expectedLines = expected.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let line = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(expectedLines.count, actualLines.count)
        var column = 0
        if line < expectedLines.count, line < actualLines.count {
            let (expectedLine, actualLine) = (expectedLines[line], actualLines[line])
            column = zip(expectedLine, actualLine).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(expectedLine.count, actualLine.count)
        }
        let heading = expectedLines.prefix(line).last { $0.starts(with: Array("### ".utf8)) || $0.starts(with: Array("# TYPE ".utf8)) }
        func shown(_ lines: [ArraySlice<UInt8>]) -> String {
            // The empty piece after the last line break is the end of the file, not a line.
            guard line < lines.count - 1 || (line == lines.count - 1 && !lines[line].isEmpty) else { return "<end of file>" }
            let bytes = lines[line]
            // Long lines (a JSON body) are cut to the part around the difference.
            let from = max(bytes.startIndex, bytes.startIndex + column - 80)
            let to = min(bytes.endIndex, bytes.startIndex + column + 120)
            return (from > bytes.startIndex ? "…" : "") + String(decoding: bytes[from..<to], as: UTF8.self) + (to < bytes.endIndex ? "…" : "")
        }
        return """
            first difference at line \(line + 1), column \(column + 1)\(heading.map { ", under \(String(reflecting: String(decoding: $0, as: UTF8.self)))" } ?? "")
            expected: \(shown(expectedLines))
            actual:   \(shown(actualLines))
            """
    }
}
