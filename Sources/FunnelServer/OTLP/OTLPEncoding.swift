import Foundation
import SwiftProtobuf

/// The two encodings of OTLP/HTTP: binary protobuf and its JSON mapping; an answer uses the request's encoding.
enum OTLPEncoding: Sendable, Hashable {
    case protobuf
    case json

    /// The encoding a `Content-Type` names (parameters such as `; charset=utf-8` ignored), or nil for another type.
    init?(contentType: String?) {
        let type = (contentType ?? "").split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch type {
        case "application/x-protobuf", "application/protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }

    /// The `Content-Type` of an answer in this encoding.
    var contentType: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }

    /// Decodes an `ExportMetricsServiceRequest`; unknown fields are skipped, as the OTLP spec asks of receivers.
    func decodeRequest(_ bytes: [UInt8]) throws(OTLPDecodingError) -> Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest {
        do {
            switch self {
            case .protobuf:
                return try Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest(serializedBytes: bytes, options: Self.binaryOptions)
            case .json:
                return try Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest(jsonUTF8Bytes: bytes, options: Self.jsonOptions)
            }
        } catch {
            throw OTLPDecodingError(encoding: self, detail: "\(error)")
        }
    }

    /// Encodes an answer (an `ExportMetricsServiceResponse` or a `google.rpc.Status`).
    func encode(_ message: some SwiftProtobuf.Message) -> [UInt8] {
        switch self {
        case .protobuf: (try? message.serializedBytes()) ?? []
        case .json: (try? message.jsonUTF8Bytes()) ?? Array("{}".utf8)
        }
    }

    private static let binaryOptions: BinaryDecodingOptions = {
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = 32
        return options
    }()

    private static let jsonOptions: JSONDecodingOptions = {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        options.messageDepthLimit = 32
        return options
    }()
}

/// A body that is not an `ExportMetricsServiceRequest` in the encoding its `Content-Type` names.
struct OTLPDecodingError: Error, Sendable, CustomStringConvertible {
    var encoding: OTLPEncoding
    var detail: String

    var description: String {
        switch self.encoding {
        case .protobuf: "body: not an ExportMetricsServiceRequest in binary protobuf (\(self.detail))"
        case .json: "body: not an ExportMetricsServiceRequest in OTLP JSON (\(self.detail))"
        }
    }
}
