import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A real HTTP server on 127.0.0.1 that records every webhook it receives; it can fail on purpose or go away.
public final class CapturingWebhookReceiver: Sendable {
    /// One request as it arrived.
    public struct Capture: Sendable {
        public var path: String
        /// Header names in lower case.
        public var headers: [String: String]
        public var body: String

        /// The body parsed as a JSON object.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(self.body.utf8))) as? [String: Any] ?? [:]
        }
    }

    private struct State {
        var captures: [Capture] = []
        var failing = false
        var task: Task<Void, any Error>?
    }

    private let state = Mutex(State())
    public let port: Int

    /// Starts listening on a free port.
    public init() async throws {
        self.port = try await FreePort.next()
        try await self.start()
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    public var url: String { "http://127.0.0.1:\(self.port)" }

    /// Everything received so far (while not failing).
    public var captures: [Capture] { self.state.withLock { $0.captures } }

    /// When true, requests are answered with `500` and not recorded.
    public func setFailing(_ failing: Bool) {
        self.state.withLock { $0.failing = failing }
    }

    /// Starts (or restarts) the server on the same port.
    public func start() async throws {
        let router = Router()
        router.post("/**") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let failing = self.state.withLock { state -> Bool in
                if state.failing { return true }
                var headers: [String: String] = [:]
                for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
                state.captures.append(Capture(path: request.uri.path, headers: headers, body: String(buffer: body)))
                return false
            }
            return Response(status: failing ? .internalServerError : .ok)
        }
        var logger = Logger(label: "capturing-receiver")
        logger.logLevel = .critical
        let started = AsyncStream<Void>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: self.port)),
            onServerRunning: { _ in started.continuation.yield() }, logger: logger
        )
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        self.state.withLock { $0.task = task }
        var iterator = started.stream.makeAsyncIterator()
        await iterator.next()
    }

    /// Stops the server: connections are refused until ``start()``.
    public func stop() async {
        let task = self.state.withLock { state -> Task<Void, any Error>? in
            defer { state.task = nil }
            return state.task
        }
        task?.cancel()
        _ = try? await task?.value
    }

    deinit {
        self.state.withLock { $0.task?.cancel() }
    }
}
