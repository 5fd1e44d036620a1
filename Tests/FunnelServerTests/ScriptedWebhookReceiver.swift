import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Raised when the scripted receiver could not listen on 127.0.0.1.
struct ReceiverDidNotStart: Error {}

/// A real HTTP server on 127.0.0.1 that answers every request with one scripted status, headers and body, and
/// records each request (any method) as it arrived.
final class ScriptedWebhookReceiver: Sendable {
    /// One request as it arrived.
    struct Request: Sendable {
        var method: String
        var path: String
        var body: String
        var idempotencyKey: String?
    }

    /// The requests recorded, shared with the route.
    private final class Log: Sendable {
        let requests = Mutex<[Request]>([])
    }

    private let log = Log()
    private let task = Mutex<Task<Void, any Error>?>(nil)
    /// The port it listens on.
    let port: Int

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    var url: String { "http://127.0.0.1:\(self.port)" }

    /// Everything received so far.
    var received: [Request] { self.log.requests.withLock { $0 } }

    /// Starts listening on a port the system picks, answering `status` with `headers` and `body`.
    init(status: Int = 200, headers: [String: String] = [:], body: String = "") async throws {
        let log = self.log
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .put, .head, .delete] {
            router.on("/**", method: method) { request, _ -> Response in
                var request = request
                let received = try await request.collectBody(upTo: 1 << 20)
                log.requests.withLock {
                    $0.append(
                        Request(
                            method: request.method.rawValue, path: request.uri.path, body: String(buffer: received),
                            idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!]
                        )
                    )
                }
                var fields = HTTPFields()
                for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
                return Response(status: .init(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
            }
        }
        var logger = Logger(label: "scripted-receiver")
        logger.logLevel = .critical
        let started = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in started.continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger
        )
        let task = Task {
            defer { started.continuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        var iterator = started.stream.makeAsyncIterator()
        guard let port = await iterator.next() else {
            throw ReceiverDidNotStart()
        }
        self.port = port
        self.task.withLock { $0 = task }
    }

    /// Stops the server.
    func stop() async {
        let task = self.task.withLock { $0 }
        task?.cancel()
        _ = try? await task?.value
    }

    deinit {
        self.task.withLock { $0?.cancel() }
    }
}
