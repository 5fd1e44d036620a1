import FunnelCore
import Foundation
public import Hummingbird
import NIOCore
import HTTPTypes
import Synchronization

/// The HTTP API: report ingest, funnel queries, `/metrics` and health endpoints.
public struct FunnelRoutes: Sendable {
    let intake: ReportIntake
    let maximumBodyBytes: Int
    let alarms: AlarmService?
    let webhooks: WebhookSender?
    let bodyTimeout: Duration
    let maximumConcurrentRequests: Int
    private let inFlight: InFlightRequests
    private let scrapeBuffers = ScrapeBuffers()
    let statsd: StatsDListener?
    let sources: DLQSourceService?

    /// Routes for `intake`; `alarms`, `webhooks`, `statsd` and `sources`, when given, add their state to `/metrics`.
    public init(
        intake: ReportIntake, maximumBodyBytes: Int, alarms: AlarmService? = nil, webhooks: WebhookSender? = nil,
        bodyTimeoutSeconds: Double = 30, maximumConcurrentRequests: Int = 64, statsd: StatsDListener? = nil, sources: DLQSourceService? = nil
    ) {
        self.intake = intake
        self.maximumBodyBytes = maximumBodyBytes
        self.alarms = alarms
        self.webhooks = webhooks
        self.bodyTimeout = Duration.checkedSeconds(bodyTimeoutSeconds) ?? .seconds(30)
        self.maximumConcurrentRequests = maximumConcurrentRequests
        self.inFlight = InFlightRequests()
        self.statsd = statsd
        self.sources = sources
    }

    /// Adds every route to `router`.
    public func register(on router: Router<some RequestContext>) {
        router.post("/v1/reports") { request, context in try await self.postReports(request, context: context) }
        router.get("/api/v1/pipelines") { _, _ in try self.pipelines() }
        router.get("/api/v1/funnel") { request, _ in try self.funnel(request) }
        router.get("/api/v1/dlq") { request, _ in try self.queues(request) }
        router.get("/api/v1/dlq/sources") { _, _ in try JSONResponse.make(DLQSourceList(sources: self.sources?.statuses ?? [])) }
        router.get("/api/v1/alarms") { _, _ in try JSONResponse.make(["alarms": self.alarms?.statuses ?? []]) }
        router.get("/metrics") { request, _ in await self.metrics(request) }
        router.get("/-/healthy") { _, _ in Self.plain("Funnel is Healthy.\n") }
        router.get("/-/ready") { _, _ in Self.plain("Funnel is Ready.\n") }
    }

    // MARK: Ingest

    func postReports(_ request: Request, context: some RequestContext) async throws -> Response {
        guard self.inFlight.enter(limit: self.maximumConcurrentRequests) else {
            self.intake.countRejection(.overloaded)
            var error = APIError(
                .serviceUnavailable, "the server is at its limit of \(self.maximumConcurrentRequests) report requests at once; retry after 1s",
                reason: ReportRejection.Reason.overloaded.rawValue
            )
            error.headers[.retryAfter] = "1"
            throw error
        }
        defer { self.inFlight.leave() }
        let buffer: ByteBuffer
        do {
            buffer = try await self.collectBody(request)
        } catch is BodyTimeout {
            self.intake.countRejection(.bodyTimeout)
            throw APIError(.requestTimeout, "body: not received within \(self.bodyTimeout)", reason: ReportRejection.Reason.bodyTimeout.rawValue)
        } catch is NIOTooManyBytesError {
            let rejection = ReportRejection(.bodyTooLarge, "body is larger than the limit of \(self.maximumBodyBytes) bytes; split the batch")
            self.intake.countRejection(rejection.reason)
            throw APIError(rejection)
        }
        let key = request.headers[HTTPField.Name("Idempotency-Key")!]
        do {
            let receipt = try await self.intake.ingest(body: Array(buffer.readableBytesView), idempotencyKey: key)
            var headers: HTTPFields = [:]
            if receipt.replayed { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
            return try JSONResponse.make(["accepted": receipt.accepted], status: .accepted, headers: headers)
        } catch let rejection as ReportRejection {
            throw APIError(rejection)
        }
    }

    /// The request body, or ``BodyTimeout`` when the client takes longer than the body timeout to send it.
    private func collectBody(_ request: Request) async throws -> ByteBuffer {
        let limit = self.maximumBodyBytes
        let timeout = self.bodyTimeout
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                var request = request
                return try await request.collectBody(upTo: limit)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else { throw BodyTimeout() }
            return buffer
        }
    }

    // MARK: Read side

    func pipelines() throws -> Response {
        let summaries = self.intake.withSettledLedger { ledger in
            ledger.pipelineNames.map { name in
                let pipeline = ledger.pipelines[name]!
                return PipelineSummary(
                    name: name, stages: pipeline.stages,
                    declared: ledger.policy.pipelines.contains { $0.name == name },
                    bucketSeconds: pipeline.settings.bucketSeconds, settleAfterSeconds: pipeline.settings.settleAfterSeconds
                )
            }
        }
        return try JSONResponse.make(["pipelines": summaries])
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
        let funnel = self.intake.withSettledLedger { ledger in
            ledger.funnel(pipeline: pipeline, fromMillis: from, toMillis: to, includeBuckets: detail == "buckets", latencyWindow: window)
        }
        guard let funnel else {
            throw APIError(.notFound, "pipeline: no pipeline named \(String(reflecting: pipeline)); see /api/v1/pipelines", reason: "unknown_pipeline", field: "pipeline")
        }
        return try JSONResponse.make(funnel)
    }

    func queues(_ request: Request) throws -> Response {
        let pipeline = request.uri.queryParameters["pipeline"].map(String.init)
        let now = self.intake.nowMillis
        let queues = self.intake.withSettledLedger { $0.queues.snapshot(nowMillis: now, pipeline: pipeline) }
        return try JSONResponse.make(["queues": queues])
    }

    func metrics(_ request: Request) async -> Response {
        let format = ExpositionFormat.negotiate(accept: request.headers[.accept])
        let counters = self.intake.ingestCounters
        let alarms = self.alarms?.statuses ?? []
        let webhooks = await self.webhooks?.currentCounters() ?? WebhookCounters()
        let statsd = self.statsd?.counters
        let sources = self.sources?.statuses ?? []
        // Rendered from a copy, outside the ledger's lock: ingest goes on while a large scrape is written.
        let ledger = self.intake.settledLedger()
        var storage = self.scrapeBuffers.take()
        let count = FunnelExposition.render(
            into: &storage, ledger: ledger, counters: counters, version: FunnelVersion.current, format: format, alarms: alarms, webhooks: webhooks,
            statsd: statsd, sources: sources
        )
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
