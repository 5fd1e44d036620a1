import FunnelCore
import Hummingbird
import HTTPTypes
import NIOCore

/// The built-in web pages: `/` (every pipeline), `/ui/pipelines/NAME` (one pipeline's funnel), `/ui/login` (a read
/// token kept in a cookie) and the pages' style sheet and script. Access control guards the pages like `/api`.
struct WebUIRoutes: Sendable {
    let intake: ReportIntake
    let alarms: AlarmService?
    let comparisons: RunningValue<[Comparison]>
    let tokens: RunningValue<RequestTokens>
    /// Whether the server speaks TLS, so the session cookie is marked `Secure`.
    let secure: Bool

    /// The most label groups the pipeline page lists.
    static let groupLimit = 10
    /// The largest login form body read.
    static let maximumFormBytes = 16 * 1024

    func register(on router: Router<some RequestContext>) {
        router.get("/") { _, _ in self.pipelineList() }
        router.get("/ui/pipelines/{name}") { request, context in try self.pipelinePage(request, name: context.parameters.get("name") ?? "") }
        router.get("/ui/login") { request, _ in
            WebUIPage.response(LoginPage(next: WebUISession.localPath(request.uri.queryParameters["next"].map(String.init))).html())
        }
        router.post("/ui/login") { request, _ in try await self.login(request) }
        router.get("/ui/assets/funnel.css") { _, _ in WebUIAssets.response(WebUIAssets.styleSheet, contentType: "text/css; charset=utf-8") }
        router.get("/ui/assets/refresh.js") { _, _ in WebUIAssets.response(WebUIAssets.refreshScript, contentType: "text/javascript; charset=utf-8") }
    }

    func pipelineList() -> Response {
        let firing = Dictionary(grouping: (self.alarms?.statuses ?? []).filter { $0.state == .firing }, by: \.pipeline).mapValues(\.count)
        let funnels = self.intake.withSettledLedger { ledger in
            ledger.pipelines.compactMap { ledger.funnel(pipeline: $0.name, includeLatency: false) }
        }
        let rows = funnels.map { PipelineListPage.Row(funnel: $0, firingAlarms: firing[$0.pipeline] ?? 0) }
        return WebUIPage.response(PipelineListPage(rows: rows).html())
    }

    func pipelinePage(_ request: Request, name: String) throws -> Response {
        let query = request.uri.queryParameters
        let rangeText = query["range"].map(String.init) ?? PageRange.oneHour.rawValue
        guard let range = PageRange(rawValue: rangeText) else {
            return Self.problem(.badRequest, "range: must be one of \(PageRange.allCases.map(\.rawValue).joined(separator: ", ")); got \(String(reflecting: rangeText))")
        }
        let windowText = query["window"].map(String.init) ?? LatencyWindow.fiveMinutes.rawValue
        guard let window = LatencyWindow(rawValue: windowText) else {
            return Self.problem(.badRequest, "window: must be 1m, 5m or 1h; got \(String(reflecting: windowText))")
        }
        let now = self.intake.nowMillis
        let from = range.millis.map { now - $0 }
        let comparisons = self.comparisons.value.filter { $0.baseline == name || $0.candidate == name }
        let answer = self.intake.withSettledLedger { ledger -> (PipelineFunnel, [PipelinePage.Queue], [ComparisonReport], [String])? in
            guard let funnel = ledger.funnel(pipeline: name, fromMillis: from, includeBuckets: true, latencyWindow: window) else { return nil }
            let queues = ledger.queues.snapshot(nowMillis: now, pipeline: name).map { depth in
                PipelinePage.Queue(depth: depth, history: ledger.queues.history[QueueKey(pipeline: depth.pipeline, queue: depth.queue)] ?? [])
            }
            let reports = comparisons.map { ledger.comparison($0, fromMillis: from) }
            return (funnel, queues, reports, ledger.pipeline(named: name)?.labels.names ?? [])
        }
        guard let (funnel, queues, reports, labels) = answer else {
            return Self.problem(.notFound, "pipeline: no pipeline named \(String(reflecting: name)); see the list of pipelines")
        }
        var groups: PipelinePage.Groups?
        let shown = query["by"].map(String.init) ?? labels.first
        if let shown {
            guard labels.contains(shown) else {
                return Self.problem(.badRequest, "by: pipeline \(String(reflecting: name)) declares the labels \(labels.joined(separator: ", ")); got \(String(reflecting: shown))")
            }
            // Label groups are summed on a copy, outside the ledger's lock, as the API does.
            let ledger = self.intake.settledLedger()
            if let grouped = try? ledger.groupedFunnel(pipeline: name, by: shown, fromMillis: from, limit: Self.groupLimit) {
                groups = PipelinePage.Groups(label: shown, grouped: grouped)
            }
        }
        let page = PipelinePage(
            funnel: funnel, range: range, window: window, nowMillis: now, queues: queues,
            alarms: (self.alarms?.statuses ?? []).filter { $0.pipeline == name }, comparisons: reports, labels: labels, groups: groups
        )
        return WebUIPage.response(page.html())
    }

    func login(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: Self.maximumFormBytes)
        let fields = WebUISession.formFields(String(buffer: body))
        let next = WebUISession.localPath(fields["next"])
        let token = fields["token"] ?? ""
        let read = self.tokens.value.read
        guard read.isOpen || read.accepts(Substring(token)) else {
            return WebUIPage.response(LoginPage(next: next, problem: "That is not a read token of this server.").html(), status: .unauthorized)
        }
        var headers: HTTPFields = [.location: next, .cacheControl: "no-store"]
        if !read.isOpen { headers[.setCookie] = WebUISession.cookie(token: token, secure: self.secure) }
        return Response(status: .seeOther, headers: headers)
    }

    /// A page that says what was wrong with the request.
    static func problem(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let main = #"<h1>\#(status.code) \#(HTMLText.escape(status.reasonPhrase))</h1><section><p>\#(HTMLText.escape(message))</p><p><a href="/">All pipelines</a></p></section>"#
        return WebUIPage.response(WebUIPage.document(title: status.reasonPhrase, main: main, refreshSeconds: nil), status: status)
    }
}
