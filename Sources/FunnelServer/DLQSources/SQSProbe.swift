public import AsyncHTTPClient
public import FunnelCore
public import Foundation
import NIOCore
public import NIOHTTP1

/// Reads an SQS queue's depth with a SigV4-signed `GetQueueAttributes` call (JSON protocol).
///
/// Asks for all attributes and reads `ApproximateNumberOfMessages` (the depth), `ApproximateNumberOfMessagesNotVisible`
/// and, where the endpoint returns it, `ApproximateAgeOfOldestMessage` (AWS itself publishes that only to CloudWatch).
public struct SQSProbe: DLQProbe {
    public let settings: SQSSourceSettings
    public let credentials: AWSCredentialChain
    private let client: HTTPClient
    private let clock: @Sendable () -> Date

    public init(
        settings: SQSSourceSettings, credentials: AWSCredentialChain? = nil, client: HTTPClient = SQSProbe.client,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.settings = settings
        self.credentials = credentials ?? AWSCredentialChain(profile: settings.profile)
        self.client = client
        self.clock = clock
    }

    /// The client SQS probes share: a refused connection fails the poll at once instead of being retried until the
    /// timeout, so the error says what happened.
    public static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Signs and sends `GetQueueAttributes` with a deadline of `timeoutSeconds`.
    public func read(timeoutSeconds: Double) async throws -> DLQReading {
        let credentials = try self.credentials.resolve()
        guard let endpoint = URLComponents(string: self.settings.endpoint), let host = endpoint.host else {
            throw DLQSourceError("endpoint \(self.settings.endpoint) is not a URL")
        }
        let hostHeader = host + (endpoint.port.map { ":\($0)" } ?? "")
        let body = try JSONSerialization.data(
            withJSONObject: ["QueueUrl": self.settings.queueURL, "AttributeNames": ["All"]], options: [.sortedKeys, .withoutEscapingSlashes]
        )
        let path = endpoint.path.isEmpty ? "/" : endpoint.path
        let headers = [
            ("Host", hostHeader), ("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "AmazonSQS.GetQueueAttributes"),
        ]
        let signature = SigV4Signer(credentials: credentials, region: self.settings.region, service: "sqs")
            .sign(method: "POST", path: path, headers: headers, body: Array(body), date: self.clock())
        let base = self.settings.endpoint.hasSuffix("/") ? String(self.settings.endpoint.dropLast()) : self.settings.endpoint
        var request = HTTPClientRequest(url: endpoint.path.isEmpty ? base + "/" : base)
        request.method = .POST
        for (name, value) in headers + signature.headers.map({ ($0.name, $0.value) }) { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        let reply: ByteBuffer
        do {
            response = try await self.client.execute(request, timeout: .milliseconds(Int64(millisecondsFromSeconds: timeoutSeconds) ?? 5000))
            reply = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw DLQSourceError("GetQueueAttributes to \(self.settings.endpoint) failed: \(Self.describe(error))", timedOut: Self.isTimeout(error))
        }
        let bytes = Data(reply.readableBytesView)
        guard response.status == .ok else {
            throw DLQSourceError(Self.errorMessage(status: response.status, body: bytes))
        }
        return try Self.reading(from: bytes)
    }

    // MARK: Replies

    /// The depth in a `GetQueueAttributes` JSON reply.
    public static func reading(from body: Data) throws(DLQSourceError) -> DLQReading {
        guard let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let attributes = json["Attributes"] as? [String: Any] else {
            throw DLQSourceError("GetQueueAttributes answered 200 without Attributes: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        func number(_ name: String) -> Double? {
            if let text = attributes[name] as? String { return Double(text) }
            return (attributes[name] as? NSNumber)?.doubleValue
        }
        guard let value = number("ApproximateNumberOfMessages") else {
            throw DLQSourceError("GetQueueAttributes returned no ApproximateNumberOfMessages")
        }
        guard let depth = UInt64(rounding: value), depth <= ReportBodyParser.maximumDepth else {
            throw DLQSourceError("GetQueueAttributes returned ApproximateNumberOfMessages \(value), which is not a depth from 0 to \(ReportBodyParser.maximumDepth)")
        }
        return DLQReading(
            depth: depth,
            notVisible: number("ApproximateNumberOfMessagesNotVisible").flatMap { UInt64(rounding: $0) }.map { min($0, ReportBodyParser.maximumDepth) },
            oldestAgeSeconds: number("ApproximateAgeOfOldestMessage").flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
        )
    }

    /// `Code: Message` from a JSON (`__type`, `message`) or XML (`<Code>`, `<Message>`) error reply.
    public static func errorMessage(status: HTTPResponseStatus, body: Data) -> String {
        var code: String?
        var message: String?
        if let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            if let type = json["__type"] as? String { code = type.split(separator: "#").last.map(String.init) ?? type }
            message = (json["message"] as? String) ?? (json["Message"] as? String)
        } else {
            let text = String(decoding: body, as: UTF8.self)
            code = Self.element("Code", in: text)
            message = Self.element("Message", in: text)
        }
        if let code, let message { return "\(code): \(message)" }
        if let code { return "\(code) (HTTP \(status.code))" }
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return "HTTP \(status.code) \(status.reasonPhrase)\(text.isEmpty ? "" : ": \(text)")"
    }

    private static func element(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: "<\(name)>"), let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex) else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }

    /// Whether the error is the request's deadline passing.
    static func isTimeout(_ error: any Error) -> Bool {
        guard let error = error as? HTTPClientError else { return false }
        return error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
    }

    /// A transport error in words: `connection refused`, `timed out`.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            default: return "\(error)"
            }
        }
        return ConnectionFailureText.describe(error)
    }
}
