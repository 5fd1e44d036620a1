/// Parses a `POST /v1/dlq-depth` body: one `{"pipeline", "queue", "depth", "observed_at"?}` object or an array of them.
///
/// `depth` is a number >= 0; `observed_at` is an RFC 3339 timestamp or Unix seconds, and defaults to arrival.
/// Errors name the offending entry and field, e.g. `gauges[2].depth: must be a number >= 0, got -1`.
public struct DLQDepthBodyParser: Sendable {
    /// The most readings one body may carry.
    public var maximumReadings: Int

    public init(maximumReadings: Int = 10_000) {
        self.maximumReadings = maximumReadings
    }

    /// Parses a body held in a byte array.
    public func parse(_ body: [UInt8]) throws(ReportRejection) -> [DLQDepthReading] {
        let result: Result<[DLQDepthReading], ReportRejection> = body.withUnsafeBytes { bytes in
            Result { () throws(ReportRejection) in try self.parse(bytes) }
        }
        return try result.get()
    }

    /// Parses a body from raw bytes.
    public func parse(_ bytes: UnsafeRawBufferPointer) throws(ReportRejection) -> [DLQDepthReading] {
        var scanner = JSONScanner(bytes)
        var readings: [DLQDepthReading] = []
        switch scanner.peek() {
        case UInt8(ascii: "["):
            try scanner.expect(UInt8(ascii: "["), "expected '['")
            if !scanner.consume(UInt8(ascii: "]")) {
                repeat {
                    guard readings.count < self.maximumReadings else {
                        throw ReportRejection(.tooManyReports, "a request may carry at most \(self.maximumReadings) readings; split the batch")
                    }
                    readings.append(try self.parseObject(&scanner, prefix: "gauges[\(readings.count)]."))
                } while scanner.consume(UInt8(ascii: ","))
                try scanner.expect(UInt8(ascii: "]"), "expected ',' or ']'")
            }
        case UInt8(ascii: "{"):
            readings.append(try self.parseObject(&scanner, prefix: ""))
        case nil:
            throw ReportRejection(.invalidBody, "body is empty: send {\"pipeline\": ..., \"queue\": ..., \"depth\": ...} or an array of them")
        default:
            throw scanner.malformed("expected '{' or '['")
        }
        guard scanner.peek() == nil else { throw scanner.malformed("expected the end of the body") }
        return readings
    }

    private func parseObject(_ scanner: inout JSONScanner, prefix: String) throws(ReportRejection) -> DLQDepthReading {
        guard try scanner.nextValueKind() == .object else {
            throw ReportRejection(.wrongType, field: String(prefix.dropLast()), "must be an object, got \(try scanner.nextValueKind().rawValue)")
        }
        try scanner.expect(UInt8(ascii: "{"), "expected '{'")
        var pipeline: String?
        var queue: String?
        var depth: Double?
        var observedAt: Int64?
        var seen: Set<String> = []
        if !scanner.consume(UInt8(ascii: "}")) {
            repeat {
                guard scanner.peek() == UInt8(ascii: "\"") else { throw scanner.malformed("expected a field name in quotes") }
                let key = try scanner.readString()
                try scanner.expect(UInt8(ascii: ":"), "expected ':' after field name")
                let field = prefix + key
                guard seen.insert(key).inserted else { throw ReportRejection(.invalidValue, field: field, "appears twice") }
                let kind = try scanner.nextValueKind()
                switch key {
                case "pipeline", "queue":
                    guard kind == .string else {
                        throw ReportRejection(.wrongType, field: field, "must be a string of 1-128 characters of [A-Za-z0-9_.:-], got \(kind.rawValue)")
                    }
                    let name = try scanner.readString()
                    if let problem = NameRule.problem(with: name) { throw ReportRejection(.invalidValue, field: field, problem) }
                    if key == "pipeline" { pipeline = name } else { queue = name }
                case "depth":
                    guard kind == .number else { throw ReportRejection(.wrongType, field: field, "must be a number >= 0, got \(kind.rawValue)") }
                    let number = try scanner.readNumber()
                    guard number.double.isFinite, number.double >= 0 else {
                        throw ReportRejection(.invalidValue, field: field, "must be a number >= 0, got \(number.text)")
                    }
                    depth = number.double
                case "observed_at":
                    switch kind {
                    case .string:
                        let text = try scanner.readString()
                        guard let millis = EventTimestamp.parseRFC3339(text) else {
                            throw ReportRejection(.invalidValue, field: field, "must be an RFC 3339 timestamp or Unix seconds, got \(String(reflecting: text))")
                        }
                        observedAt = millis
                    case .number:
                        let number = try scanner.readNumber()
                        guard number.double.isFinite, number.double >= 0, number.double < 1e11 else {
                            throw ReportRejection(.invalidValue, field: field, "must be Unix seconds (not milliseconds) or an RFC 3339 timestamp, got \(number.text)")
                        }
                        observedAt = Int64((number.double * 1000).rounded(.down))
                    case .null:
                        _ = try scanner.readLiteral()
                    default:
                        throw ReportRejection(.wrongType, field: field, "must be an RFC 3339 timestamp string or Unix seconds, got \(kind.rawValue)")
                    }
                default:
                    throw ReportRejection(.unknownField, field: field, "unknown field; a DLQ depth reading has pipeline, queue, depth, observed_at")
                }
            } while scanner.consume(UInt8(ascii: ","))
            try scanner.expect(UInt8(ascii: "}"), "expected ',' or '}'")
        }
        guard let pipeline else { throw ReportRejection(.missingField, field: prefix + "pipeline", "is required") }
        guard let queue else { throw ReportRejection(.missingField, field: prefix + "queue", "is required") }
        guard let depth else { throw ReportRejection(.missingField, field: prefix + "depth", "is required") }
        return DLQDepthReading(pipeline: pipeline, queue: queue, depth: depth, observedAtMillis: observedAt)
    }
}
