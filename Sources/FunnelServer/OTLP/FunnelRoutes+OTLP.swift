import FunnelCore
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import SwiftProtobuf

extension FunnelRoutes {
    // MARK: OTLP/HTTP

    /// `POST /v1/metrics`: an OTLP `ExportMetricsServiceRequest`, answered as the OTLP/HTTP spec asks, in the
    /// request's encoding: `200` with an `ExportMetricsServiceResponse` (with `partial_success` when points were
    /// rejected), else a `google.rpc.Status`: `400` for a body that does not decode, `413` over the body limit
    /// (inflated size included), `415` for another content type or encoding, `503` with `Retry-After` when the
    /// server is at its request limit or storage is unavailable (exporters retry those).
    func postMetrics(_ request: Request, receiver: OTLPReceiver) async -> Response {
        let limits = self.limits.value
        guard let encoding = OTLPEncoding(contentType: request.headers[.contentType]) else {
            receiver.count(.unsupportedMediaType)
            let type = request.headers[.contentType] ?? "none"
            return Self.status(
                .unsupportedMediaType, "Content-Type: must be application/x-protobuf or application/json, got \(type)", encoding: .json, close: true
            )
        }
        let contentEncoding = request.headers[.contentEncoding]?.lowercased()
        guard contentEncoding == nil || contentEncoding == "gzip" || contentEncoding == "identity" else {
            receiver.count(.unsupportedMediaType)
            return Self.status(.unsupportedMediaType, "Content-Encoding: must be gzip or none, got \(contentEncoding!)", encoding: encoding, close: true)
        }
        let length = request.headers[.contentLength].flatMap { Int($0) }
        if let length, length > limits.maximumBodyBytes {
            receiver.count(.tooLarge)
            return Self.status(.contentTooLarge, "body: larger than the limit of \(limits.maximumBodyBytes) bytes; export smaller batches", encoding: encoding, close: true)
        }
        guard self.inFlight.enter(limit: limits.maximumConcurrentRequests) else {
            receiver.count(.unavailable)
            var response = Self.status(
                .serviceUnavailable, "the server is at its limit of \(limits.maximumConcurrentRequests) ingest requests at once; retry after 1s",
                encoding: encoding, close: true
            )
            response.headers[.retryAfter] = "1"
            return response
        }
        defer { self.inFlight.leave() }
        var body: [UInt8]
        do {
            let buffer = try await self.collectBody(request, expectedBytes: length, limits: limits)
            if contentEncoding == "gzip" {
                body = try OTLPBodyInflater(maximumBytes: limits.maximumBodyBytes).inflate(buffer)
            } else {
                body = Array(buffer.readableBytesView)
            }
        } catch let refusal as BodyRefusal {
            switch refusal {
            case .tooLarge:
                receiver.count(.tooLarge)
                return Self.status(.contentTooLarge, "body: larger than the limit of \(limits.maximumBodyBytes) bytes; export smaller batches", encoding: encoding, close: true)
            case .timedOut, .tooSlow:
                receiver.count(.malformed)
                return Self.status(.requestTimeout, "body: not received in time (limits.body_timeout_seconds, limits.min_body_bytes_per_second)", encoding: encoding, close: true)
            }
        } catch OTLPBodyInflater.Refusal.tooLarge {
            receiver.count(.tooLarge)
            return Self.status(.contentTooLarge, "body: inflates to more than the limit of \(limits.maximumBodyBytes) bytes; export smaller batches", encoding: encoding)
        } catch {
            receiver.count(.malformed)
            return Self.status(.badRequest, "body: not a complete gzip stream (Content-Encoding: gzip): \(error)", encoding: encoding)
        }
        let export: OTLPExportRequest
        do {
            export = try encoding.decodeRequest(body)
        } catch {
            receiver.count(.malformed)
            return Self.status(.badRequest, error.description, encoding: encoding)
        }
        body = []
        do {
            let answer = try await receiver.export(export)
            return Self.message(answer, status: .ok, encoding: encoding)
        } catch {
            let failure = StorageError(error, path: self.intake.store.path)
            self.storageLog.note { count in
                self.logger.error("OTLP exports refused: \(failure) (\(count) since the last line)", metadata: ["reason": "\(failure.reason.rawValue)"])
            }
            var response = Self.status(.serviceUnavailable, "storage is unavailable; the points were not stored, retry later", encoding: encoding)
            response.headers[.retryAfter] = "5"
            return response
        }
    }

    /// A `google.rpc.Status` answer; `close` when the rest of the body is not wanted.
    private static func status(_ status: HTTPResponse.Status, _ message: String, encoding: OTLPEncoding, close: Bool = false) -> Response {
        var body = OTLPStatus()
        body.code = Self.grpcCode(status)
        body.message = message
        var response = Self.message(body, status: status, encoding: encoding)
        if close { response.headers[.connection] = "close" }
        return response
    }

    /// The gRPC status code a `google.rpc.Status` carries for an HTTP status.
    private static func grpcCode(_ status: HTTPResponse.Status) -> Int32 {
        switch status {
        case .badRequest, .unsupportedMediaType: 3  // INVALID_ARGUMENT
        case .requestTimeout: 4  // DEADLINE_EXCEEDED
        case .contentTooLarge: 8  // RESOURCE_EXHAUSTED
        case .serviceUnavailable: 14  // UNAVAILABLE
        default: 2  // UNKNOWN
        }
    }

    private static func message(_ message: some SwiftProtobuf.Message, status: HTTPResponse.Status, encoding: OTLPEncoding) -> Response {
        let bytes = encoding.encode(message)
        return Response(status: status, headers: [.contentType: encoding.contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
