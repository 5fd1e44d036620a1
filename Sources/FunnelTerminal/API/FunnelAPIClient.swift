public import AsyncHTTPClient
public import FunnelCore
import Foundation
public import NIOCore
import NIOHTTP1

/// Reads a Funnel server's API: pipelines, funnels, alarms and dead-letter queue depths, and posts reports.
///
/// Servers without the alarms or DLQ API (they answer 404) read as "no alarms" and "no queues": those calls
/// return nil rather than failing.
public struct FunnelAPIClient: Sendable {
    /// The server's base URL without a trailing slash, e.g. `http://127.0.0.1:9470`.
    public let baseURL: String
    public var timeout: TimeAmount
    /// Sent as `Authorization: Bearer <token>` when the server requires tokens; never printed.
    public var token: String?
    let http: HTTPClient

    /// A client of the server at `baseURL`, sending `token` (if any) as a bearer token.
    public init(baseURL: String, token: String? = nil, http: HTTPClient = .shared, timeout: TimeAmount = .seconds(5)) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.http = http
        self.timeout = timeout
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The default server: `FUNNEL_SERVER` from the environment, else `http://127.0.0.1:9470`.
    public static func defaultServer(environment: [String: String]? = nil) -> String {
        // Kept apart from tokens: a server URL is no secret, a token is never printed.
        if let server = (environment ?? ProcessInfo.processInfo.environment)["FUNNEL_SERVER"], !server.isEmpty { return server }
        return "http://127.0.0.1:9470"
    }

    // MARK: Read API

    /// `GET /-/ready`, open even when tokens are required: whether the server is up.
    public func ready() async throws(FunnelAPIError) {
        let (status, body) = try await self.get("/-/ready")
        guard status == 200 else { throw self.badStatus("/-/ready", status, body) }
    }

    /// `GET /api/v1/pipelines`.
    public func pipelines() async throws(FunnelAPIError) -> [PipelineDescriptor] {
        try await self.decode(PipelineCatalog.self, path: "/api/v1/pipelines").pipelines
    }

    /// `GET /api/v1/funnel?pipeline=P&window=W[&label=NAME:VALUE ...]`, decoded: with `labels`, restricted to the
    /// reports that carried every one of them.
    public func funnel(pipeline: String, window: LatencyWindow, labels: [String: String] = [:]) async throws(FunnelAPIError) -> PipelineFunnel {
        try await self.decode(PipelineFunnel.self, path: Self.funnelPath(pipeline: pipeline, window: window, labels: labels))
    }

    /// `GET /api/v1/funnel?pipeline=P&by=LABEL[&limit=N][&label=NAME:VALUE ...]`, decoded: one funnel per value of
    /// `label`, worst settled loss first.
    public func groupedFunnel(pipeline: String, by label: String, labels: [String: String] = [:], limit: Int? = nil) async throws(FunnelAPIError)
        -> GroupedFunnel
    {
        try await self.decode(GroupedFunnel.self, path: Self.groupedPath(pipeline: pipeline, by: label, labels: labels, limit: limit))
    }

    /// `GET /api/v1/funnel?pipeline=P&window=W[&label=NAME:VALUE ...]` as the server wrote it.
    public func funnelBody(pipeline: String, window: LatencyWindow, labels: [String: String] = [:]) async throws(FunnelAPIError) -> [UInt8] {
        try await self.body(Self.funnelPath(pipeline: pipeline, window: window, labels: labels))
    }

    /// `GET /api/v1/funnel?pipeline=P&by=LABEL[&limit=N][&label=NAME:VALUE ...]` as the server wrote it.
    public func groupedFunnelBody(pipeline: String, by label: String, labels: [String: String] = [:], limit: Int? = nil) async throws(FunnelAPIError)
        -> [UInt8]
    {
        try await self.body(Self.groupedPath(pipeline: pipeline, by: label, labels: labels, limit: limit))
    }

    /// `GET /api/v1/completeness?pipeline=P&from=T1&to=T2[&threshold=R]`, decoded.
    public func completeness(pipeline: String, from: String, to: String, threshold: Double?) async throws(FunnelAPIError) -> Completeness {
        var path = "/api/v1/completeness?pipeline=\(Self.queryValue(pipeline))&from=\(Self.queryValue(from))&to=\(Self.queryValue(to))"
        if let threshold { path += "&threshold=\(threshold)" }
        return try await self.decode(Completeness.self, path: path)
    }

    /// `GET /api/v1/comparisons`; nil when the server has no comparisons API.
    public func comparisons() async throws(FunnelAPIError) -> [Comparison]? {
        try await self.decodeUnlessMissing(ComparisonCatalog.self, path: "/api/v1/comparisons")?.comparisons
    }

    /// `GET /api/v1/comparisons/NAME[?from=T1][&to=T2]`, decoded.
    public func comparison(named name: String, from: String? = nil, to: String? = nil) async throws(FunnelAPIError) -> ComparisonReport {
        let query = [from.map { "from=\(Self.queryValue($0))" }, to.map { "to=\(Self.queryValue($0))" }].compactMap { $0 }
        let path = "/api/v1/comparisons/\(Self.pathSegment(name))" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        return try await self.decode(ComparisonReport.self, path: path)
    }

    /// `GET /api/v1/alarms`; nil when the server has no alarms API.
    public func alarms() async throws(FunnelAPIError) -> [AlarmStatus]? {
        try await self.decodeUnlessMissing(AlarmList.self, path: "/api/v1/alarms")?.alarms
    }

    /// `GET /api/v1/dlq`; nil when the server has no dead-letter queue API.
    public func queues() async throws(FunnelAPIError) -> [QueueDepth]? {
        try await self.decodeUnlessMissing(QueueDepthList.self, path: "/api/v1/dlq")?.queues
    }

    /// Everything `funnel top` shows, in one round: pipelines, each one's funnel, alarms, queues and comparisons.
    ///
    /// A pipeline that vanished between the two requests (404) is left out rather than failing the round.
    /// With `grouping`, also that pipeline's worst `groupLimit` values of the label, when the pipeline still declares it.
    public func poll(window: LatencyWindow, grouping: TopGrouping? = nil, groupLimit: Int = 50, maximumPipelines: Int = 64) async throws(FunnelAPIError)
        -> TopPoll
    {
        let pipelines = try await self.pipelines()
        var funnels: [String: PipelineFunnel] = [:]
        for pipeline in pipelines.prefix(maximumPipelines) {
            do {
                funnels[pipeline.name] = try await self.funnel(pipeline: pipeline.name, window: window)
            } catch .badStatus(_, 404, _) {
                continue
            }
        }
        var poll = TopPoll(pipelines: pipelines, funnels: funnels, alarms: try await self.alarms(), queues: try await self.queues())
        for comparison in try await self.comparisons() ?? [] {
            do {
                poll.comparisons.append(try await self.comparison(named: comparison.name))
            } catch .badStatus(_, 404, _) {
                continue
            }
        }
        if let grouping, pipelines.contains(where: { $0.name == grouping.pipeline && ($0.labels ?? []).contains(grouping.label) }) {
            do {
                poll.grouped = try await self.groupedFunnel(pipeline: grouping.pipeline, by: grouping.label, limit: groupLimit)
            } catch .badStatus(_, let status, _) where status == 400 || status == 404 {
                poll.grouped = nil
            }
        }
        return poll
    }

    // MARK: Write API

    /// POSTs a JSON body; returns the status and body.
    public func post(_ path: String, json: [UInt8], headers: [(String, String)] = []) async throws(FunnelAPIError) -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: self.baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: json))
        let (status, body) = try await self.execute(request, path: path)
        return (status, String(decoding: body, as: UTF8.self))
    }

    // MARK: Plumbing

    static func funnelPath(pipeline: String, window: LatencyWindow, labels: [String: String] = [:]) -> String {
        "/api/v1/funnel?pipeline=\(Self.queryValue(pipeline))&window=\(window.rawValue)" + Self.labelQuery(labels)
    }

    static func groupedPath(pipeline: String, by label: String, labels: [String: String], limit: Int?) -> String {
        var path = "/api/v1/funnel?pipeline=\(Self.queryValue(pipeline))&by=\(Self.queryValue(label))"
        if let limit { path += "&limit=\(limit)" }
        return path + Self.labelQuery(labels)
    }

    /// `&label=NAME:VALUE` per label, by name.
    static func labelQuery(_ labels: [String: String]) -> String {
        labels.sorted { $0.key < $1.key }.map { "&label=" + Self.queryValue($0.key + ":" + $0.value) }.joined()
    }

    /// `value` percent-encoded as one segment of a path (`/` included, `:` of names kept).
    static func pathSegment(_ value: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#;")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// `value` percent-encoded for a query string (`+` and `:` of times included).
    static func queryValue(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#:")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    func body(_ path: String) async throws(FunnelAPIError) -> [UInt8] {
        let (status, body) = try await self.get(path)
        guard status == 200 else { throw self.badStatus(path, status, body) }
        return body
    }

    func get(_ path: String) async throws(FunnelAPIError) -> (Int, [UInt8]) {
        var request = HTTPClientRequest(url: self.baseURL + path)
        request.headers.add(name: "Accept", value: "application/json")
        return try await self.execute(request, path: path)
    }

    func execute(_ request: HTTPClientRequest, path: String) async throws(FunnelAPIError) -> (Int, [UInt8]) {
        var request = request
        if let token { request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)") }
        do {
            let response = try await self.http.execute(request, timeout: self.timeout)
            let body = try await response.body.collect(upTo: 32 * 1024 * 1024)
            return (Int(response.status.code), Array(body.readableBytesView))
        } catch {
            throw .unreachable(url: self.baseURL + path, reason: FunnelAPIError.reason(for: error))
        }
    }

    func decode<Value: Decodable>(_ type: Value.Type, path: String) async throws(FunnelAPIError) -> Value {
        let (status, body) = try await self.get(path)
        guard status == 200 else { throw self.badStatus(path, status, body) }
        return try self.decode(type, body, path: path)
    }

    func decodeUnlessMissing<Value: Decodable>(_ type: Value.Type, path: String) async throws(FunnelAPIError) -> Value? {
        let (status, body) = try await self.get(path)
        if status == 404 { return nil }
        guard status == 200 else { throw self.badStatus(path, status, body) }
        return try self.decode(type, body, path: path)
    }

    func decode<Value: Decodable>(_ type: Value.Type, _ body: [UInt8], path: String) throws(FunnelAPIError) -> Value {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: Data(body))
        } catch {
            throw .undecodable(url: self.baseURL + path, reason: String(describing: error))
        }
    }

    func badStatus(_ path: String, _ status: Int, _ body: [UInt8]) -> FunnelAPIError {
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return .badStatus(url: self.baseURL + path, status: status, body: text)
    }
}
