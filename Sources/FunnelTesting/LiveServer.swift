public import FunnelServer
import AsyncHTTPClient
public import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A real Funnel server built with `buildApplication`, listening on 127.0.0.1, for tests that use real sockets.
///
/// Starts on a free port (or a given one, to restart on the same address) with its data in a directory that
/// outlives a stop, so a test can stop the server and start it again on the same data.
public final class LiveServer: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    public let port: Int
    public let dataDirectory: String
    /// The StatsD listener's bound addresses, when the configuration enables it.
    public let statsd: StatsDBinding?
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(baseURL: String, port: Int, dataDirectory: String, statsd: StatsDBinding?, group: ServiceGroup, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.port = port
        self.dataDirectory = dataDirectory
        self.statsd = statsd
        self.group = group
        self.task = task
    }

    /// A fresh temporary directory for a server's data.
    public static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("funnel-test-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Starts a server and returns once it listens (and its StatsD listener too, when configured); `POST /-/reload`
    /// takes what `reloadConfiguration` returns, on the same address and data.
    public static func start(
        configuration: FunnelConfiguration = FunnelConfiguration(),
        dataDirectory: String = LiveServer.temporaryDirectory(),
        port: Int = 0,
        clock: @escaping @Sendable () -> Int64 = wallClockMillis,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        reloadConfiguration: (@Sendable () throws -> FunnelConfiguration)? = nil
    ) async throws -> LiveServer {
        @Sendable func served(_ configuration: FunnelConfiguration) -> FunnelConfiguration {
            var configuration = configuration
            configuration.listenHost = "127.0.0.1"
            configuration.listenPort = port
            configuration.dataDirectory = dataDirectory
            return configuration
        }
        let configuration = served(configuration)
        var reload: (@Sendable () throws -> FunnelConfiguration)?
        if let reloadConfiguration { reload = { try served(reloadConfiguration()) } }
        var logger = Logger(label: "funnel-test")
        logger.logLevel = .error
        let (addresses, addressSink) = AsyncStream.makeStream(of: String.self)
        let (bindings, bindingSink) = AsyncStream.makeStream(of: StatsDBinding.self)
        let app = try buildApplication(
            configuration: configuration,
            logger: logger,
            clock: clock,
            environment: environment,
            reloadConfiguration: reload,
            onStatsDListening: { bindingSink.yield($0) },
            onServerRunning: { addressSink.yield($0) }
        )
        let group = ServiceGroup(services: [app], logger: logger)
        let task = Task {
            defer {
                addressSink.finish()
                bindingSink.finish()
            }
            try await group.run()
        }
        var addressIterator = addresses.makeAsyncIterator()
        guard let address = await addressIterator.next(), let port = address.split(separator: ":").last.flatMap({ Int($0) }) else {
            try await task.value
            throw LiveServerError("the server stopped before listening")
        }
        var binding: StatsDBinding?
        if configuration.statsd.isEnabled {
            var bindingIterator = bindings.makeAsyncIterator()
            binding = await bindingIterator.next()
            guard binding != nil else {
                try await task.value
                throw LiveServerError("the StatsD listener stopped before listening")
            }
        }
        return LiveServer(baseURL: "http://\(address)", port: port, dataDirectory: dataDirectory, statsd: binding, group: group, task: task)
    }

    /// Shuts the server down gracefully and waits until it has stopped.
    public func stop() async throws {
        await self.group.triggerGracefulShutdown()
        try await self.task.value
    }

    // MARK: HTTP

    /// Sends a request and returns the status and body.
    public func request(_ method: String, _ path: String, body: String? = nil, headers: [(String, String)] = []) async throws -> (status: Int, body: String, headers: [(String, String)]) {
        var request = HTTPClientRequest(url: self.baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: buffer), response.headers.map { ($0.name, $0.value) })
    }

    /// The value of one sample in `/metrics`, such as `funnel_statsd_lines_total{result="accepted"}`; nil when absent.
    public func metric(_ sample: String) async throws -> Double? {
        let text = try await self.request("GET", "/metrics").body
        for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1))
        }
        return nil
    }

    /// Each stage's counts in the pipeline's funnel, by stage name; empty when the pipeline is unknown.
    public func stages(of pipeline: String) async throws -> [String: StageTotals] {
        let response = try await self.request("GET", "/api/v1/funnel?pipeline=\(pipeline)")
        guard response.status == 200 else { return [:] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let funnel = try decoder.decode(FunnelBody.self, from: Data(response.body.utf8))
        var stages: [String: StageTotals] = [:]
        for stage in funnel.stages {
            stages[stage.name] = StageTotals(
                received: stage.received, passed: stage.passed, failed: stage.failed, deadLettered: stage.deadLettered,
                latencyCount: stage.latencyMs.count, latencyMaxMillis: stage.latencyMs.max
            )
        }
        return stages
    }

    /// Stage names of the pipeline in their order.
    public func stageOrder(of pipeline: String) async throws -> [String] {
        let response = try await self.request("GET", "/api/v1/funnel?pipeline=\(pipeline)")
        guard response.status == 200 else { return [] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(FunnelBody.self, from: Data(response.body.utf8)).stages.map(\.name)
    }

    private struct FunnelBody: Decodable {
        struct Stage: Decodable {
            struct Latency: Decodable {
                var count: UInt64
                var max: Double?
            }
            var name: String
            var received: UInt64
            var passed: UInt64
            var failed: UInt64
            var deadLettered: UInt64
            var latencyMs: Latency
        }
        var stages: [Stage]
    }
}
