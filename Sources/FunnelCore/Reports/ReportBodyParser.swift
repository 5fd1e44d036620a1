/// Parses a `POST /v1/reports` body into stage and DLQ depth reports, or explains exactly what is wrong with it.
///
/// Accepted bodies: one report object, a JSON array of them, or `{"reports": [...]}`. Parsing reads the raw
/// bytes once, without a document tree; the first fault rejects the whole body.
public struct ReportBodyParser: Sendable {
    /// The most reports one body may carry.
    public var maximumReports: Int
    /// The longest pipeline, stage or queue name accepted (at most ``NameRule/maximumLength``).
    public var maximumNameLength: Int
    /// The largest `count` one report may carry.
    public static let maximumCount: UInt64 = 1_000_000_000_000
    /// The largest DLQ `depth` a report may carry: the counter maximum, so every depth reads back exactly.
    public static let maximumDepth: UInt64 = StageCounts.maximum
    /// The longest latency a report may carry, in milliseconds: 30 days.
    public static let maximumLatencyMillis: Double = 2_592_000_000

    public init(maximumReports: Int = 100_000, maximumNameLength: Int = NameRule.maximumLength) {
        self.maximumReports = maximumReports
        self.maximumNameLength = min(maximumNameLength, NameRule.maximumLength)
    }

    /// Parses a body held in a byte array.
    public func parse(_ body: [UInt8]) throws(ReportRejection) -> ReportBody {
        let result: Result<ReportBody, ReportRejection> = body.withUnsafeBytes { bytes in
            Result { () throws(ReportRejection) in try self.parse(bytes) }
        }
        return try result.get()
    }

    /// Parses a body held in a string.
    public func parse(_ body: String) throws(ReportRejection) -> ReportBody {
        try self.parse(Array(body.utf8))
    }

    /// Parses a body from raw bytes.
    public func parse(_ bytes: UnsafeRawBufferPointer) throws(ReportRejection) -> ReportBody {
        var scanner = JSONScanner(bytes)
        var names = NameCache()
        var reports = ReportBody()
        switch scanner.peek() {
        case UInt8(ascii: "["):
            try self.parseArray(&scanner, into: &reports, names: &names)
        case UInt8(ascii: "{"):
            try self.parseTopLevelObject(&scanner, into: &reports, names: &names)
        case nil:
            throw ReportRejection(.invalidBody, "body is empty: send a report object, an array of reports, or {\"reports\": [...]}")
        default:
            if (try? scanner.nextValueKind()) != nil {
                throw ReportRejection(.invalidBody, "body must be a report object, an array of reports, or {\"reports\": [...]}")
            }
            throw scanner.malformed("expected '{' or '['")
        }
        guard scanner.peek() == nil else { throw scanner.malformed("expected the end of the body") }
        return reports
    }

    // MARK: Structure

    private func parseArray(_ scanner: inout JSONScanner, into reports: inout ReportBody, names: inout NameCache) throws(ReportRejection) {
        try scanner.expect(UInt8(ascii: "["), "expected '['")
        if scanner.consume(UInt8(ascii: "]")) { return }
        repeat {
            let index = reports.count
            guard index < self.maximumReports else {
                throw ReportRejection(.tooManyReports, "a request may carry at most \(self.maximumReports) reports; split the batch")
            }
            guard try scanner.nextValueKind() == .object else {
                throw ReportRejection(.wrongType, index: index, "must be an object, got \(try scanner.nextValueKind().rawValue)")
            }
            var fields = ReportFields(index: index, maximumNameLength: self.maximumNameLength)
            try scanner.expect(UInt8(ascii: "{"), "expected '{'")
            try self.parseMembers(&scanner, into: &fields, names: &names)
            try fields.append(to: &reports)
        } while scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "]"), "expected ',' or ']'")
    }

    private func parseTopLevelObject(_ scanner: inout JSONScanner, into reports: inout ReportBody, names: inout NameCache) throws(ReportRejection) {
        try scanner.expect(UInt8(ascii: "{"), "expected '{'")
        var fields = ReportFields(index: 0, maximumNameLength: self.maximumNameLength)
        var sawReports = false
        if !scanner.consume(UInt8(ascii: "}")) {
            repeat {
                guard scanner.peek() == UInt8(ascii: "\"") else { throw scanner.malformed("expected a field name in quotes") }
                let key = try ReportKey(reading: &scanner)
                try scanner.expect(UInt8(ascii: ":"), "expected ':' after field name")
                if key == .other("reports") {
                    guard try scanner.nextValueKind() == .array else {
                        throw ReportRejection(.wrongType, field: "reports", "must be an array of report objects, got \(try scanner.nextValueKind().rawValue)")
                    }
                    guard !sawReports else { throw ReportRejection(.invalidBody, field: "reports", "appears twice") }
                    sawReports = true
                    try self.parseArray(&scanner, into: &reports, names: &names)
                } else {
                    try fields.read(key, from: &scanner, names: &names)
                }
            } while scanner.consume(UInt8(ascii: ","))
            try scanner.expect(UInt8(ascii: "}"), "expected ',' or '}'")
        }
        if sawReports {
            if let stray = fields.firstSeen {
                throw ReportRejection(.invalidBody, field: stray.name, "a body with \"reports\" must not carry report fields beside it")
            }
        } else {
            try fields.append(to: &reports)
        }
    }

    /// Parses the `"key": value` members of one report object up to its closing brace.
    private func parseMembers(_ scanner: inout JSONScanner, into fields: inout ReportFields, names: inout NameCache) throws(ReportRejection) {
        if scanner.consume(UInt8(ascii: "}")) { return }
        repeat {
            guard scanner.peek() == UInt8(ascii: "\"") else { throw scanner.malformed("expected a field name in quotes") }
            let key = try ReportKey(reading: &scanner)
            try scanner.expect(UInt8(ascii: ":"), "expected ':' after field name")
            try fields.read(key, from: &scanner, names: &names)
        } while scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"), "expected ',' or '}'")
    }
}

/// The fields of one report as they are read, checked one by one, then assembled into a ``StageReport``.
private struct ReportFields {
    let index: Int
    var pipeline: String?
    var stage: String?
    var outcome: Outcome?
    var count: UInt64?
    var eventTimeMillis: Int64?
    var latencyMillis: Double?
    var latencySamplesMillis: [Double]?
    var endToEndMillis: Double?
    var endToEndSamplesMillis: [Double]?
    var queue: String?
    var depth: UInt64?
    var timeMillis: Int64?
    var reporter: String?
    var watermarkMillis: Int64?
    var labels: [String: String] = [:]
    /// The fields read so far, one bit each.
    var seen: UInt16 = 0
    var firstSeen: ReportField?

    let maximumNameLength: Int

    init(index: Int, maximumNameLength: Int) {
        self.index = index
        self.maximumNameLength = maximumNameLength
    }

    func rejection(_ reason: ReportRejection.Reason, _ field: String?, _ problem: String) -> ReportRejection {
        ReportRejection(reason, index: self.index, field: field, problem)
    }

    mutating func read(_ key: ReportKey, from scanner: inout JSONScanner, names: inout NameCache) throws(ReportRejection) {
        guard case .field(let field) = key else {
            throw self.rejection(
                .unknownField,
                key.name,
                "unknown field; a stage report has pipeline, stage, outcome, count, event_time, latency_ms, latencies_ms, end_to_end_ms, end_to_end_latencies_ms, reporter, labels; a DLQ depth report has pipeline, queue, depth, time; a watermark has pipeline, stage, reporter, watermark"
            )
        }
        guard self.seen & field.bit == 0 else { throw self.rejection(.invalidValue, field.name, "appears twice") }
        self.seen |= field.bit
        if self.firstSeen == nil { self.firstSeen = field }
        let kind = try scanner.nextValueKind()
        switch field {
        case .pipeline:
            self.pipeline = try self.readName(field, kind, &scanner, &names)
        case .stage:
            self.stage = try self.readName(field, kind, &scanner, &names)
        case .outcome:
            guard kind == .string else {
                throw self.rejection(.wrongType, field.name, "must be one of \(Outcome.expectedNames); got \(kind.rawValue)")
            }
            if let range = try scanner.readPlainString() {
                if let outcome = Self.outcome(scanner.slice(range)) {
                    self.outcome = outcome
                    return
                }
                scanner.position = range.lowerBound - 1
            }
            let name = try scanner.readString()
            guard let outcome = Outcome(name: name) else {
                throw self.rejection(.unknownOutcome, field.name, "must be one of \(Outcome.expectedNames); got \(Self.quoted(name))")
            }
            self.outcome = outcome
        case .count:
            self.count = try self.readWholeNumber(field, kind, &scanner, in: 1...ReportBodyParser.maximumCount)
        case .eventTime:
            self.eventTimeMillis = try self.readTime(field, kind, &scanner)
        case .latency:
            self.latencyMillis = try self.readOptionalLatency(field, kind, &scanner)
        case .latencies:
            self.latencySamplesMillis = try self.readLatencySamples(field, kind, &scanner)
        case .endToEnd:
            self.endToEndMillis = try self.readOptionalLatency(field, kind, &scanner)
        case .endToEndLatencies:
            self.endToEndSamplesMillis = try self.readLatencySamples(field, kind, &scanner)
        case .queue:
            self.queue = try self.readName(field, kind, &scanner, &names)
        case .depth:
            self.depth = try self.readWholeNumber(field, kind, &scanner, in: 0...ReportBodyParser.maximumDepth)
        case .time:
            self.timeMillis = try self.readTime(field, kind, &scanner)
        case .reporter:
            self.reporter = try self.readName(field, kind, &scanner, &names)
        case .watermark:
            guard kind != .null else { throw self.rejection(.wrongType, field.name, "must be an RFC 3339 timestamp string or Unix seconds, got null") }
            self.watermarkMillis = try self.readTime(field, kind, &scanner)
        case .labels:
            self.labels = try self.readLabels(kind, &scanner)
        }
    }

    /// Reads a `labels` object of string values; whether the pipeline declares them is admission's to check.
    func readLabels(_ kind: JSONScanner.ValueKind, _ scanner: inout JSONScanner) throws(ReportRejection) -> [String: String] {
        guard kind == .object else {
            throw self.rejection(.wrongType, "labels", "must be an object of label names to string values, e.g. {\"tenant\": \"acme\"}; got \(kind.rawValue)")
        }
        try scanner.expect(UInt8(ascii: "{"), "expected '{'")
        var labels: [String: String] = [:]
        if scanner.consume(UInt8(ascii: "}")) { return labels }
        repeat {
            guard scanner.peek() == UInt8(ascii: "\"") else { throw scanner.malformed("expected a label name in quotes") }
            let name = try scanner.readString()
            try scanner.expect(UInt8(ascii: ":"), "expected ':' after label name")
            let valueKind = try scanner.nextValueKind()
            guard valueKind == .string else {
                throw self.rejection(.wrongType, "labels.\(name)", "must be a string, got \(valueKind.rawValue)")
            }
            let value = try scanner.readString()
            guard labels[name] == nil else { throw self.rejection(.invalidValue, "labels.\(name)", "appears twice") }
            guard labels.count < LabelRule.maximumLabelsPerPipeline else {
                throw self.rejection(.invalidValue, "labels", "carries more than \(LabelRule.maximumLabelsPerPipeline) labels")
            }
            labels[name] = value
        } while scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"), "expected ',' or '}'")
        return labels
    }

    /// Reads an integer field (`1e3` counts as 1000) within `range`: a fraction or a negative is `invalid_value`,
    /// anything past the range however it is written (`1e999`, an underflow to 0) `number_out_of_range`.
    func readWholeNumber(
        _ field: ReportField, _ kind: JSONScanner.ValueKind, _ scanner: inout JSONScanner, in range: ClosedRange<UInt64>
    ) throws(ReportRejection) -> UInt64 {
        // Built only for a refusal: this runs for every count of every report.
        var rule: String { "an integer from \(range.lowerBound) to \(range.upperBound)" }
        guard kind == .number else { throw self.rejection(.wrongType, field.name, "must be \(rule), got \(kind.rawValue)") }
        let number = try scanner.readNumber()
        guard let value = Self.integralValue(number) else {
            throw self.rejection(Self.outOfRangeOrInvalid(number), field.name, "\(Self.problem(number)): must be \(rule), got \(number.shown)")
        }
        guard let whole = UInt64(exactly: value), whole >= range.lowerBound else {
            throw self.rejection(.invalidValue, field.name, "must be \(rule), got \(number.shown)")
        }
        guard whole <= range.upperBound else {
            throw self.rejection(.numberOutOfRange, field.name, "number out of range: must be \(rule), got \(number.shown)")
        }
        return whole
    }

    /// Reads a pipeline, stage or queue name; a name of allowed ASCII bytes becomes a string without further checks.
    func readName(_ field: ReportField, _ kind: JSONScanner.ValueKind, _ scanner: inout JSONScanner, _ names: inout NameCache) throws(ReportRejection) -> String {
        guard kind == .string else {
            throw self.rejection(.wrongType, field.name, "must be a string of 1-128 characters of [A-Za-z0-9_.:-], got \(kind.rawValue)")
        }
        if let range = try scanner.readPlainString() {
            let bytes = scanner.slice(range)
            if !bytes.isEmpty, bytes.count <= self.maximumNameLength, bytes.allSatisfy(NameRule.isAllowed) {
                return names.name(bytes)
            }
            scanner.position = range.lowerBound - 1
        }
        let name = try scanner.readString()
        if let problem = NameRule.problem(with: name) { throw self.rejection(.invalidValue, field.name, problem) }
        if name.utf8.count > self.maximumNameLength {
            throw self.rejection(.invalidValue, field.name, "must be at most \(self.maximumNameLength) characters (limits.max_name_length), got \(name.utf8.count)")
        }
        return name
    }

    func readTime(_ field: ReportField, _ kind: JSONScanner.ValueKind, _ scanner: inout JSONScanner) throws(ReportRejection) -> Int64? {
        switch kind {
        case .null:
            _ = try scanner.readLiteral()
            return nil
        case .string:
            if let range = try scanner.readPlainString() {
                let bytes = scanner.slice(range).assumingMemoryBound(to: UInt8.self)
                if let millis = EventTimestamp.parseRFC3339(bytes) { return millis }
                scanner.position = range.lowerBound - 1
            }
            let text = try scanner.readString()
            guard let millis = EventTimestamp.parseRFC3339(text) else {
                throw self.rejection(.invalidValue, field.name, "must be an RFC 3339 timestamp (2026-11-26T10:15:00Z) or Unix seconds, got \(Self.quoted(text))")
            }
            return millis
        case .number:
            let number = try scanner.readNumber()
            guard number.double.isFinite, number.double >= 0, number.double < 1e11,
                let millis = number.integer.map({ $0 * 1000 }) ?? Int64(millisecondsFromSeconds: number.double)
            else {
                throw self.rejection(
                    number.double.isFinite ? .invalidValue : .numberOutOfRange, field.name,
                    "must be Unix seconds (not milliseconds, below 10^11) or an RFC 3339 timestamp, got \(number.shown)"
                )
            }
            return millis
        default:
            throw self.rejection(.wrongType, field.name, "must be an RFC 3339 timestamp string or Unix seconds, got \(kind.rawValue)")
        }
    }

    /// Adds the finished entry to `body`: a DLQ depth report when it names a queue or a depth, a stage report otherwise.
    func append(to body: inout ReportBody) throws(ReportRejection) {
        if self.seen & ReportField.watermark.bit != 0 || self.seen & ReportField.reporter.bit != 0 && self.outcome == nil {
            body.watermarks.append(try self.watermarkReport())
        } else if self.queue != nil || self.depth != nil {
            body.queueDepths.append(try self.queueDepthReport())
        } else {
            body.stageReports.append(try self.report())
        }
    }

    func watermarkReport() throws(ReportRejection) -> WatermarkReport {
        let allowed = ReportField.pipeline.bit | ReportField.stage.bit | ReportField.reporter.bit | ReportField.watermark.bit
        if let stray = ReportField.allCases.first(where: { self.seen & $0.bit != 0 && allowed & $0.bit == 0 }) {
            throw self.rejection(.invalidValue, stray.name, "does not belong in a watermark (pipeline, stage, reporter, watermark)")
        }
        guard let pipeline else { throw self.rejection(.missingField, "pipeline", "is required") }
        guard let stage else { throw self.rejection(.missingField, "stage", "is required in a watermark") }
        guard let reporter else { throw self.rejection(.missingField, "reporter", "is required in a watermark: the instance of the stage that sends it") }
        guard let watermarkMillis else { throw self.rejection(.missingField, "watermark", "is required beside reporter") }
        return WatermarkReport(pipeline: pipeline, stage: stage, reporter: reporter, watermarkMillis: watermarkMillis)
    }

    func queueDepthReport() throws(ReportRejection) -> QueueDepthReport {
        if let stray = (ReportField.stageOnly + [.reporter]).first(where: { self.seen & $0.bit != 0 }) {
            throw self.rejection(.invalidValue, stray.name, "does not belong in a DLQ depth report (pipeline, queue, depth, time)")
        }
        guard let pipeline else { throw self.rejection(.missingField, "pipeline", "is required") }
        guard let queue else { throw self.rejection(.missingField, "queue", "is required in a DLQ depth report") }
        guard let depth else { throw self.rejection(.missingField, "depth", "is required in a DLQ depth report") }
        return QueueDepthReport(pipeline: pipeline, queue: queue, depth: depth, timeMillis: self.timeMillis)
    }

    func readOptionalLatency(_ field: ReportField, _ kind: JSONScanner.ValueKind, _ scanner: inout JSONScanner) throws(ReportRejection) -> Double? {
        if kind == .null {
            _ = try scanner.readLiteral()
            return nil
        }
        guard kind == .number else { throw self.rejection(.wrongType, field.name, "must be a number of milliseconds >= 0, got \(kind.rawValue)") }
        return try self.readLatency(field.name, &scanner)
    }

    func readLatencySamples(_ field: ReportField, _ kind: JSONScanner.ValueKind, _ scanner: inout JSONScanner) throws(ReportRejection) -> [Double]? {
        if kind == .null {
            _ = try scanner.readLiteral()
            return nil
        }
        guard kind == .array else {
            throw self.rejection(.wrongType, field.name, "must be an array of numbers of milliseconds >= 0, got \(kind.rawValue)")
        }
        try scanner.expect(UInt8(ascii: "["), "expected '['")
        var samples: [Double] = []
        if !scanner.consume(UInt8(ascii: "]")) {
            repeat {
                let elementKind = try scanner.nextValueKind()
                guard elementKind == .number else {
                    throw self.rejection(.wrongType, "\(field.name)[\(samples.count)]", "must be a number of milliseconds >= 0, got \(elementKind.rawValue)")
                }
                samples.append(try self.readLatency("\(field.name)[\(samples.count)]", &scanner))
            } while scanner.consume(UInt8(ascii: ","))
            try scanner.expect(UInt8(ascii: "]"), "expected ',' or ']'")
        }
        return samples
    }

    func readLatency(_ field: @autoclosure () -> String, _ scanner: inout JSONScanner) throws(ReportRejection) -> Double {
        let number = try scanner.readNumber()
        let range = "a number of milliseconds from 0 to 2592000000 (30 days)"
        guard number.double.isFinite, number.double <= ReportBodyParser.maximumLatencyMillis else {
            throw self.rejection(.numberOutOfRange, field(), "number out of range: must be \(range), got \(number.shown)")
        }
        guard number.double >= 0 else { throw self.rejection(.invalidValue, field(), "must be \(range), got \(number.shown)") }
        return number.double
    }

    func report() throws(ReportRejection) -> StageReport {
        guard let pipeline else { throw self.rejection(.missingField, "pipeline", "is required") }
        guard let stage else { throw self.rejection(.missingField, "stage", "is required") }
        if self.timeMillis != nil { throw self.rejection(.unknownField, "time", "belongs to DLQ depth reports; a stage report carries event_time") }
        guard let outcome else {
            throw self.rejection(.missingField, "outcome", "is required: one of \(Outcome.expectedNames)")
        }
        let count = self.count ?? 1
        if self.latencyMillis != nil, self.latencySamplesMillis?.isEmpty == false {
            throw self.rejection(.invalidValue, "latencies_ms", "give latency_ms or latencies_ms, not both")
        }
        let samples = self.latencySamplesMillis ?? []
        guard UInt64(samples.count) <= count else {
            throw self.rejection(.invalidValue, "latencies_ms", "has \(samples.count) samples but count is \(count): at most count samples")
        }
        if self.endToEndMillis != nil, self.endToEndSamplesMillis?.isEmpty == false {
            throw self.rejection(.invalidValue, "end_to_end_latencies_ms", "give end_to_end_ms or end_to_end_latencies_ms, not both")
        }
        let endToEndSamples = self.endToEndSamplesMillis ?? []
        guard UInt64(endToEndSamples.count) <= count else {
            throw self.rejection(
                .invalidValue, "end_to_end_latencies_ms", "has \(endToEndSamples.count) samples but count is \(count): at most count samples"
            )
        }
        return StageReport(
            pipeline: pipeline,
            stage: stage,
            outcome: outcome,
            count: count,
            eventTimeMillis: self.eventTimeMillis,
            latencyMillis: self.latencyMillis,
            latencySamplesMillis: samples,
            endToEndMillis: self.endToEndMillis,
            endToEndSamplesMillis: endToEndSamples,
            reporter: self.reporter,
            labels: self.labels
        )
    }

    /// Matches an outcome's wire name by its bytes.
    static func outcome(_ bytes: UnsafeRawBufferPointer) -> Outcome? {
        for outcome in Outcome.allCases {
            let matches = outcome.wireName.withUTF8Buffer { name in
                name.count == bytes.count && NameCache.equal(UnsafeRawBufferPointer(name), bytes)
            }
            if matches { return outcome }
        }
        return nil
    }

    /// The number as a whole Int64 (`1e3` is 1000), or nil when it has a fraction, is beyond ±9.0e15 or underflowed to 0.
    static func integralValue(_ number: JSONScanner.NumberToken) -> Int64? {
        if let integer = number.integer { return integer }
        guard abs(number.double) < 9.0e15, number.double != 0 || number.isZeroAsWritten else { return nil }
        return Int64(exactly: number.double)
    }

    /// Whether a number that is not a usable integer is out of range (too large, or an exponent too small to
    /// represent) rather than a fraction.
    static func outOfRangeOrInvalid(_ number: JSONScanner.NumberToken) -> ReportRejection.Reason {
        Self.isOutOfRange(number) ? .numberOutOfRange : .invalidValue
    }

    static func problem(_ number: JSONScanner.NumberToken) -> String {
        Self.isOutOfRange(number) ? "number out of range" : "not a whole number"
    }

    private static func isOutOfRange(_ number: JSONScanner.NumberToken) -> Bool {
        !number.double.isFinite || abs(number.double) >= 9.0e15 || (number.double == 0 && number.integer == nil && !number.isZeroAsWritten)
    }

    static func quoted(_ text: String) -> String {
        let shown = text.count > 64 ? String(text.prefix(64)) + "..." : text
        return String(reflecting: shown)
    }
}
