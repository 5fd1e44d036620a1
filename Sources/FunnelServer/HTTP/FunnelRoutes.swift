public import FunnelCore
import Foundation
public import Hummingbird
public import Logging
import NIOCore
import HTTPTypes
import Synchronization

/// The HTTP API: report ingest, funnel queries, `/metrics` and health endpoints.
public struct FunnelRoutes: Sendable {
    let intake: ReportIntake
    /// Body size and pace, and requests at once; reloadable.
    let limits: RunningValue<RequestLimits>
    let alarms: AlarmService?
    let reloader: ConfigurationReloader?
    let logger: Logger
    let storageLog = RateLimitedLog(interval: .seconds(10))
    let inFlight: InFlightRequests
    private let scrapeBuffers = ScrapeBuffers()
    let sources: DLQSourceService?
    /// Takes `POST /v1/metrics` (OTLP/HTTP).
    let otlp: OTLPReceiver?
    /// What `/metrics` shows, in order.
    let metrics: [any MetricsSource]
    /// The configured comparisons; reloadable.
    let comparisons: RunningValue<[Comparison]>

    /// Routes for `intake`; `/metrics` writes the families of each of `metrics` in turn, and `alarms` and `sources`,
    /// when given, answer the alarm and DLQ source lists; `reloader`, when given, answers `POST /-/reload`; `otlp`, when given, takes OTLP/HTTP metrics exports.
    ///
    /// A report body must arrive within `bodyTimeoutSeconds` and, after `bodyGraceSeconds`, at
    /// `minimumBodyBytesPerSecond` on average.
    /// Routes whose request limits are `limits`, which a reload replaces.
    init(
        intake: ReportIntake, limits: RunningValue<RequestLimits>, metrics: [any MetricsSource], alarms: AlarmService?,
        sources: DLQSourceService?, reloader: ConfigurationReloader?, otlp: OTLPReceiver? = nil,
        comparisons: RunningValue<[Comparison]> = RunningValue([], read: { $0.comparisons }), logger: Logger
    ) {
        self.comparisons = comparisons
        self.intake = intake
        self.limits = limits
        self.metrics = metrics
        self.alarms = alarms
        self.reloader = reloader
        self.inFlight = InFlightRequests()
        self.sources = sources
        self.otlp = otlp
        self.logger = logger
    }

    public init(
        intake: ReportIntake, maximumBodyBytes: Int, metrics: [any MetricsSource], alarms: AlarmService? = nil,
        bodyTimeoutSeconds: Double = 30, minimumBodyBytesPerSecond: Double = 1024, bodyGraceSeconds: Double = 2,
        maximumConcurrentRequests: Int = 64, sources: DLQSourceService? = nil, reloader: ConfigurationReloader? = nil, otlp: OTLPReceiver? = nil,
        comparisons: [Comparison] = [], logger: Logger = Logger(label: "funnel")
    ) {
        self.comparisons = RunningValue(comparisons, read: { $0.comparisons })
        self.intake = intake
        self.limits = RunningValue(
            RequestLimits(
                maximumBodyBytes: maximumBodyBytes, bodyTimeoutSeconds: bodyTimeoutSeconds, minimumBodyBytesPerSecond: minimumBodyBytesPerSecond,
                bodyGraceSeconds: bodyGraceSeconds, maximumConcurrentRequests: maximumConcurrentRequests
            ),
            read: { RequestLimits($0) }
        )
        self.metrics = metrics
        self.alarms = alarms
        self.reloader = reloader
        self.inFlight = InFlightRequests()
        self.sources = sources
        self.otlp = otlp
        self.logger = logger
    }

    /// Adds every route to `router`.
    public func register(on router: Router<some RequestContext>) {
        router.post("/v1/reports") { request, context in try await self.postReports(request, context: context) }
        if let otlp = self.otlp {
            router.post("/v1/metrics") { request, _ in await self.postMetrics(request, receiver: otlp) }
        }
        router.get("/api/v1/pipelines") { _, _ in try self.pipelines() }
        router.get("/api/v1/funnel") { request, _ in try self.funnel(request) }
        router.get("/api/v1/completeness") { request, _ in try self.completeness(request) }
        router.get("/api/v1/dlq") { request, _ in try self.queues(request) }
        router.get("/api/v1/dlq/sources") { _, _ in try JSONResponse.make(DLQSourceList(sources: self.sources?.statuses ?? [])) }
        router.get("/api/v1/comparisons") { _, _ in try JSONResponse.make(ComparisonCatalog(comparisons: self.comparisons.value)) }
        router.get("/api/v1/comparisons/{name}") { request, context in try self.comparison(request, name: context.parameters.get("name") ?? "") }
        router.get("/api/v1/alarms") { request, _ in
            let name = request.uri.queryParameters["name"].map(String.init)
            return try JSONResponse.make(AlarmList(alarms: (self.alarms?.statuses ?? []).filter { name == nil || $0.name == name }))
        }
        router.get("/metrics") { request, _ in await self.metrics(request) }
        router.get("/-/healthy") { _, _ in Self.plain("Funnel is Healthy.\n") }
        router.get("/-/ready") { _, _ in Self.plain("Funnel is Ready.\n") }
        router.post("/-/reload") { _, _ in try await self.reload() }
    }

    // MARK: Ingest

    func postReports(_ request: Request, context: some RequestContext) async throws -> Response {
        let limits = self.limits.value
        let length = request.headers[.contentLength].flatMap { Int($0) }
        if let length, length > limits.maximumBodyBytes {
            throw self.refusal(.tooLarge, limits: limits)
        }
        guard self.inFlight.enter(limit: limits.maximumConcurrentRequests) else {
            self.intake.countRejection(.overloaded)
            var error = APIError(
                .serviceUnavailable, "the server is at its limit of \(limits.maximumConcurrentRequests) report requests at once; retry after 1s",
                reason: ReportRejection.Reason.overloaded.rawValue
            )
            error.headers[.retryAfter] = "1"
            error.headers[.connection] = "close"
            throw error
        }
        defer { self.inFlight.leave() }
        let buffer: ByteBuffer
        do {
            buffer = try await self.collectBody(request, expectedBytes: length, limits: limits)
        } catch let refusal as BodyRefusal {
            throw self.refusal(refusal, limits: limits)
        }
        let key = request.headers[HTTPField.Name("Idempotency-Key")!]
        do {
            let receipt = try await self.intake.ingest(body: Array(buffer.readableBytesView), idempotencyKey: key)
            var headers: HTTPFields = [:]
            if receipt.replayed { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
            return try JSONResponse.make(IngestAcknowledgement(accepted: receipt.accepted), status: .accepted, headers: headers)
        } catch let rejection as ReportRejection {
            throw APIError(rejection)
        } catch let failure as StorageError {
            throw self.refusal(failure)
        }
    }

    /// The answer to a body not read to its end, counted by reason; it closes the connection, since the rest of the
    /// body is not wanted.
    private func refusal(_ refusal: BodyRefusal, limits: RequestLimits) -> APIError {
        var error: APIError
        switch refusal {
        case .tooLarge:
            let rejection = ReportRejection(.bodyTooLarge, "body is larger than the limit of \(limits.maximumBodyBytes) bytes; split the batch")
            self.intake.countRejection(rejection.reason)
            error = APIError(rejection)
        case .timedOut:
            self.intake.countRejection(.bodyTimeout)
            error = APIError(.requestTimeout, "body: not received within \(limits.pace.timeout)", reason: ReportRejection.Reason.bodyTimeout.rawValue)
        case .tooSlow:
            self.intake.countRejection(.bodyTooSlow)
            error = APIError(
                .requestTimeout,
                "body: arrived slower than \(Int64(rounding: limits.pace.minimumBytesPerSecond) ?? 0) bytes per second (limits.min_body_bytes_per_second)",
                reason: ReportRejection.Reason.bodyTooSlow.rawValue
            )
        }
        error.headers[.connection] = "close"
        return error
    }

    /// The answer to a failed database write: `507` when storage is full, `503` otherwise; logged at most every 10 s.
    private func refusal(_ failure: StorageError) -> APIError {
        self.storageLog.note { count in
            self.logger.error("report requests refused: \(failure) (\(count) since the last line)", metadata: ["reason": "\(failure.reason.rawValue)"])
        }
        var error: APIError
        switch failure.kind {
        case .full:
            error = APIError(.init(code: 507, reasonPhrase: "Insufficient Storage"), "storage is full; the reports were not stored, retry later", reason: failure.reason.rawValue)
        case .unavailable:
            error = APIError(.serviceUnavailable, "storage is unavailable; the reports were not stored, retry later", reason: failure.reason.rawValue)
        }
        error.headers[.retryAfter] = "5"
        return error
    }

    /// The request body, or a ``BodyRefusal`` when it is larger than the limit, takes longer than the body timeout,
    /// or falls below the minimum rate after the grace.
    func collectBody(_ request: Request, expectedBytes: Int?, limits: RequestLimits) async throws -> ByteBuffer {
        let limit = limits.maximumBodyBytes
        let pace = limits.pace
        let progress = BodyProgress()
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                // Sized from Content-Length (already checked against the limit), so a large body is not regrown.
                var collected = ByteBufferAllocator().buffer(capacity: max(0, expectedBytes ?? 0))
                for try await part in request.body {
                    guard collected.readableBytes + part.readableBytes <= limit else { throw BodyRefusal.tooLarge }
                    var part = part
                    collected.writeBuffer(&part)
                    progress.received.store(collected.readableBytes, ordering: .relaxed)
                }
                return collected
            }
            group.addTask {
                // Time counts in steps of at most two check intervals: when the process is too busy to run this
                // check on time, it is likely too busy to run the reader too, and the client is not to blame.
                var elapsed = Duration.zero
                var last = ContinuousClock.now
                var strikes = 0
                while true {
                    try await Task.sleep(for: Self.paceCheckInterval)
                    let now = ContinuousClock.now
                    elapsed += min(now - last, Self.paceCheckInterval * 2)
                    last = now
                    switch pace.verdict(received: progress.received.load(ordering: .relaxed), elapsed: elapsed) {
                    case .keepReading: strikes = 0
                    case .tooSlow:
                        strikes += 1
                        if strikes >= 3 { throw BodyRefusal.tooSlow }
                    case .timedOut: throw BodyRefusal.timedOut
                    }
                }
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else { throw BodyRefusal.timedOut }
            return buffer
        }
    }

    private static let paceCheckInterval: Duration = .milliseconds(100)

    // MARK: Read side

    func pipelines() throws -> Response {
        let descriptors = self.intake.withSettledLedger { ledger in
            ledger.pipelines.map { pipeline in
                PipelineDescriptor(
                    name: pipeline.name, stages: pipeline.stages,
                    declared: ledger.policy.pipelines.contains { $0.name == pipeline.name },
                    bucketSeconds: pipeline.settings.bucketSeconds, settleAfterSeconds: pipeline.settings.settleAfterSeconds,
                    labels: pipeline.labels.isEmpty ? nil : pipeline.labels.names
                )
            }
        }
        return try JSONResponse.make(PipelineCatalog(pipelines: descriptors))
    }

    func funnel(_ request: Request) throws -> Response {
        let query = request.uri.queryParameters
        guard let pipeline = query["pipeline"].map(String.init), !pipeline.isEmpty else {
            throw APIError(.badRequest, "pipeline: query parameter is required, e.g. /api/v1/funnel?pipeline=orders", reason: "missing_parameter", field: "pipeline")
        }
        let from = try Self.time(query["from"], name: "from")
        let to = try Self.time(query["to"], name: "to")
        if let from, let to, from >= to {
            throw APIError(.badRequest, "from: must be before to", reason: "invalid_parameter", field: "from")
        }
        let detail = query["detail"].map(String.init)
        guard detail == nil || detail == "buckets" else {
            throw APIError(.badRequest, "detail: the only detail is \"buckets\", got \(String(reflecting: detail!))", reason: "invalid_parameter", field: "detail")
        }
        let windowText = query["window"].map(String.init) ?? LatencyWindow.fiveMinutes.rawValue
        guard let window = LatencyWindow(rawValue: windowText) else {
            throw APIError(.badRequest, "window: must be 1m, 5m or 1h, got \(String(reflecting: windowText))", reason: "invalid_parameter", field: "window")
        }
        let labelValues = query.getAll("label").map { String($0) }
        let by = query["by"].map(String.init)
        var limit: Int?
        if let text = query["limit"] {
            guard let value = Int(text), value >= 1 else {
                throw APIError(.badRequest, "limit: must be a whole number of groups from 1, got \(String(reflecting: String(text)))", reason: "invalid_parameter", field: "limit")
            }
            guard by != nil else { throw APIError(.badRequest, "limit: applies to groups; add by=LABEL", reason: "invalid_parameter", field: "limit") }
            limit = value
        }
        if by == nil, labelValues.isEmpty {
            let funnel = self.intake.withSettledLedger { ledger in
                ledger.funnel(pipeline: pipeline, fromMillis: from, toMillis: to, includeBuckets: detail == "buckets", latencyWindow: window)
            }
            guard let funnel else {
                throw APIError(.notFound, "pipeline: no pipeline named \(String(reflecting: pipeline)); see /api/v1/pipelines", reason: "unknown_pipeline", field: "pipeline")
            }
            return try JSONResponse.make(funnel)
        }
        // Label groups are summed on a copy, outside the ledger's lock: a split over many values takes a while.
        let ledger = self.intake.settledLedger()
        let answer = {
            Result { () throws(LabelQueryError) -> (GroupedFunnel?, PipelineFunnel?) in
                let labels = try FunnelLedger.labelFilter(labelValues)
                if let by {
                    let grouped = try ledger.groupedFunnel(
                        pipeline: pipeline, by: by, labels: labels, fromMillis: from, toMillis: to, includeBuckets: detail == "buckets", limit: limit
                    )
                    return (grouped, nil)
                }
                return (nil, try ledger.funnel(pipeline: pipeline, labels: labels, fromMillis: from, toMillis: to, includeBuckets: detail == "buckets", latencyWindow: window))
            }
        }()
        switch answer {
        case .success((let grouped?, _)):
            return try JSONResponse.make(grouped)
        case .success((_, let funnel)):
            return try JSONResponse.make(funnel)
        case .failure(let error):
            if case .unknownPipeline = error {
                throw APIError(.notFound, error.description, reason: "unknown_pipeline", field: "pipeline")
            }
            if case .malformedFilter = error { throw APIError(.badRequest, error.description, reason: "invalid_parameter", field: "label") }
            throw APIError(.badRequest, error.description, reason: "unknown_label", field: error.parameter)
        }
    }

    func completeness(_ request: Request) throws -> Response {
        let query = request.uri.queryParameters
        guard let pipeline = query["pipeline"].map(String.init), !pipeline.isEmpty else {
            throw APIError(
                .badRequest, "pipeline: query parameter is required, e.g. /api/v1/completeness?pipeline=orders&from=2026-12-01T10:00:00Z&to=2026-12-01T11:00:00Z",
                reason: "missing_parameter", field: "pipeline"
            )
        }
        guard let from = try Self.time(query["from"], name: "from") else {
            throw APIError(.badRequest, "from: query parameter is required (RFC 3339 or Unix seconds)", reason: "missing_parameter", field: "from")
        }
        guard let to = try Self.time(query["to"], name: "to") else {
            throw APIError(.badRequest, "to: query parameter is required (RFC 3339 or Unix seconds)", reason: "missing_parameter", field: "to")
        }
        guard from < to else { throw APIError(.badRequest, "from: must be before to", reason: "invalid_parameter", field: "from") }
        var threshold = Completeness.defaultThreshold
        if let text = query["threshold"] {
            guard let value = Double(text), value.isFinite, (0...1).contains(value) else {
                throw APIError(
                    .badRequest, "threshold: must be a number from 0 to 1, got \(String(reflecting: String(text)))", reason: "invalid_parameter", field: "threshold"
                )
            }
            threshold = value
        }
        let answer = self.intake.withSettledLedger { ledger in
            Result { () throws(CompletenessError) in try ledger.completeness(pipeline: pipeline, fromMillis: from, toMillis: to, threshold: threshold) }
        }
        switch answer {
        case .success(let completeness):
            return try JSONResponse.make(completeness)
        case .failure(.unknownPipeline):
            throw APIError(.notFound, CompletenessError.unknownPipeline(pipeline).description, reason: "unknown_pipeline", field: "pipeline")
        case .failure(let error):
            throw APIError(.badRequest, error.description, reason: "invalid_parameter", field: "from")
        }
    }

    func queues(_ request: Request) throws -> Response {
        let pipeline = request.uri.queryParameters["pipeline"].map(String.init)
        let now = self.intake.nowMillis
        let queues = self.intake.withSettledLedger { $0.queues.snapshot(nowMillis: now, pipeline: pipeline) }
        return try JSONResponse.make(QueueDepthList(queues: queues))
    }

    func metrics(_ request: Request) async -> Response {
        let format = ExpositionFormat.negotiate(accept: request.headers[.accept])
        var writer = ExpositionWriter(format: format, reusing: self.scrapeBuffers.take())
        await writer.write(self.metrics)
        let (storage, count) = writer.finishKeepingRoom()
        let scrape = RenderedScrape(storage: consume storage, count: count)
        let buffers = self.scrapeBuffers
        return Response(
            status: .ok,
            headers: [.contentType: format.contentType],
            body: ResponseBody(contentLength: count) { writer in
                // Sent in chunks of 1 MiB: small buffers are recycled by the allocator, one of 30 MB would be faulted in anew.
                let rendered = scrape.take()
                var offset = 0
                while offset < scrape.count {
                    let end = min(offset + Self.scrapeChunkBytes, scrape.count)
                    try await writer.write(rendered.withUnsafeBytes { ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: $0[offset..<end])) })
                    offset = end
                }
                buffers.giveBack(rendered)
                try await writer.finish(nil)
            }
        )
    }

    private static let scrapeChunkBytes = 1 << 20

    // MARK: Operations

    /// `POST /-/reload`: `200` with the settings that need a restart, or `400` with the problem of an invalid file.
    func reload() async throws -> Response {
        guard let reloader = self.reloader else {
            return try JSONResponse.make(ConfigurationReload(reloaded: false, error: "this server was not started with a reloadable configuration"), status: .badRequest)
        }
        let outcome = await reloader.reload()
        return try JSONResponse.make(outcome, status: outcome.reloaded ? .ok : .badRequest)
    }

    // MARK: Helpers

    static func time(_ value: Substring?, name: String) throws -> Int64? {
        guard let value else { return nil }
        do {
            return try TimeParameter.millis(value, name: name)
        } catch {
            throw APIError(.badRequest, error.description, reason: "invalid_parameter", field: name)
        }
    }

    static func plain(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// How many bytes of a body have arrived, shared between the reader and the task that checks the pace.
private final class BodyProgress: Sendable {
    let received = Atomic<Int>(0)
}
