import FunnelCore

/// Parses StatsD and DogStatsD lines into Funnel's model: stage events, stage latencies and dead-letter queue depths.
///
/// A line is `name:value|type[|@rate][|#tag:value,...][|T<unix seconds>]`. Funnel's own names take their fields
/// from tags:
///
/// | line | means |
/// |---|---|
/// | `funnel.events:5\|c\|#pipeline:orders,stage:ingest,outcome:received` | 5 events received at `ingest` |
/// | `funnel.latency:12.5\|ms\|#pipeline:orders,stage:process` | one latency sample of `process` (`\|h`, `\|d` too) |
/// | `funnel.dlq_depth:42\|g\|#pipeline:orders,queue:orders-dlq` | the queue holds 42 messages (absolute values only) |
///
/// Any other name goes through the ``StatsDMapping`` rules; tags fill what a rule leaves out. `@rate` scales
/// counts up as StatsD does (5 at `@0.1` counts 50, rounded, at least 1) and weights timer samples by 1/rate.
/// `event_time:<RFC 3339 or Unix seconds>` (or DogStatsD's `|T<seconds>`) buckets the events by when they
/// entered the pipeline instead of when the line arrived. On a counter, a tag named like a label the pipeline
/// declares (`tenant:acme`) is that label's value, checked as ``LabelRule`` says (a bad one is refused as `bad_tag`).
/// Tags Funnel does not know are ignored.
public struct StatsDLineParser: Sendable, Hashable {
    public static let eventsName = "funnel.events"
    public static let latencyName = "funnel.latency"
    public static let dlqDepthName = "funnel.dlq_depth"

    /// Rules for dotted names, tried in order.
    public let mappings: [StatsDMapping]
    /// The labels pipelines declare: a counter's tags of those names are its labels.
    public let labels: StatsDDeclaredLabels

    public init(mappings: [StatsDMapping] = [], labels: StatsDDeclaredLabels = .none) {
        self.mappings = mappings
        self.labels = labels
    }

    /// Calls `body` with each line of a packet or stream chunk and what it parsed to; blank lines are skipped.
    ///
    /// Lines end at `\n`, with or without a `\r` before it. (Splitting by byte, not by `Character`: Swift reads
    /// `\r\n` as one character that is not `\n`.)
    public func forEachLine(in text: Substring, _ body: (Substring, Result<StatsDLine, StatsDLineRejection>) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            self.forEachLine(in: UnsafeRawBufferPointer(bytes)) { line, parsed in
                body(Substring(String(decoding: line, as: UTF8.self)), parsed)
            }
        }
    }

    /// Calls `body` with the bytes of each line of a packet or stream chunk and what it parsed to; blank lines are skipped.
    public func forEachLine(in bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Result<StatsDLine, StatsDLineRejection>) -> Void) {
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            if end > start {
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                do {
                    if let parsed = try self.parse(bytes: line) { body(line, .success(parsed)) }
                } catch {
                    body(line, .failure(error))
                }
            }
            start = end + 1
        }
    }

    /// Parses one line; nil for a blank line.
    public func parse(_ line: String) throws(StatsDLineRejection) -> StatsDLine? {
        try self.parse(line[...])
    }

    /// Parses one line, without its newline; nil for a blank line.
    public func parse(_ line: Substring) throws(StatsDLineRejection) -> StatsDLine? {
        let bytes = Array(line.utf8)
        let result: Result<StatsDLine?, StatsDLineRejection> = bytes.withUnsafeBytes { bytes in
            Result { () throws(StatsDLineRejection) in try self.parse(bytes: bytes) }
        }
        return try result.get()
    }

    /// Parses one line from its bytes, without its newline; nil for a blank line.
    ///
    /// Every separator is ASCII, so the line is taken apart byte by byte; strings are made only of the parts kept.
    public func parse(bytes line: UnsafeRawBufferPointer) throws(StatsDLineRejection) -> StatsDLine? {
        var lower = 0
        var upper = line.count
        while upper > lower, Self.isBlank(line[upper - 1]) { upper -= 1 }
        while lower < upper, Self.isBlank(line[lower]) { lower += 1 }
        if lower == upper { return nil }
        let text = ByteSpan(line, lower..<upper)

        let parts = try Self.split(text)
        let resolved = try self.resolve(name: parts.name, afterValue: text.suffix(from: parts.firstBar + 1))
        return try Self.complete(resolved, value: parts.value)
    }

    /// A line cut at its first `:` and first `|`: the name, the value, and where the part after the value starts.
    struct LineParts {
        var name: ByteSpan
        var value: ByteSpan
        var firstBar: Int
    }

    /// Cuts a trimmed, non-blank line into name, value and the rest.
    static func split(_ text: ByteSpan) throws(StatsDLineRejection) -> LineParts {
        guard let firstBar = text.firstIndex(of: UInt8(ascii: "|")) else {
            throw StatsDLineRejection(.malformed, "expected name:value|type, found no '|'")
        }
        let head = text.prefix(upTo: firstBar)
        guard let colon = head.firstIndex(of: UInt8(ascii: ":")) else {
            throw StatsDLineRejection(.malformed, "expected name:value before the first '|', found no ':'")
        }
        let name = head.prefix(upTo: colon)
        let valueText = head.suffix(from: colon + 1)
        guard !name.isEmpty else { throw StatsDLineRejection(.malformed, "the metric name before ':' is empty") }
        guard valueText.firstIndex(of: UInt8(ascii: ":")) == nil else {
            throw StatsDLineRejection(.malformed, "several values in one line (name:1:2|c) are not supported; send one value per line")
        }
        return LineParts(name: name, value: valueText, firstBar: firstBar)
    }

    /// Works out what a line means from everything but its value: type, sample rate, tags, mapping, names.
    func resolve(name: ByteSpan, afterValue: ByteSpan) throws(StatsDLineRejection) -> ResolvedStatsDLine {
        try self.resolve(name: name, fields: StatsDLineFields(afterValue: afterValue, labels: self.labels))
    }

    /// Works out what a line means from its name and the fields after its value: mapping, names, outcome, event time.
    func resolve(name: ByteSpan, fields: StatsDLineFields) throws(StatsDLineRejection) -> ResolvedStatsDLine {
        let type = fields.type
        var tagged = FieldTexts()
        tagged.pipeline = fields.pipeline?.string
        tagged.stage = fields.stage?.string
        tagged.outcome = fields.outcome?.string
        tagged.queue = fields.queue?.string
        tagged.eventTime = fields.eventTime?.string
        let rate = fields.rate
        let timestampSeconds = fields.timestampSeconds

        // MARK: Fields
        var resolved = tagged
        let expected: StatsDMetricType? =
            if name.equals(Self.eventsName) { .counter }
            else if name.equals(Self.latencyName) { .timer }
            else if name.equals(Self.dlqDepthName) { .gauge }
            else { nil }
        if let expected {
            guard expected == type else {
                throw StatsDLineRejection(.typeMismatch, "\(name.string) must be sent as |\(Self.typeField(expected)), got |\(fields.typeField.string)")
            }
        } else {
            var mapped: StatsDMapping.MappedFields?
            let nameBytes = name.buffer
            for index in self.mappings.indices {  // by index: a `for in` copies each rule
                mapped = self.mappings[index].apply(toBuffer: nameBytes, type: type)
                if mapped != nil { break }
            }
            guard let mapped else {
                throw StatsDLineRejection(
                    .unmapped,
                    "\(Self.quoted(name.string)) (\(type.rawValue)) is not \(Self.eventsName), \(Self.latencyName) or \(Self.dlqDepthName) and matches no mapping rule"
                )
            }
            resolved.pipeline = mapped.pipeline ?? tagged.pipeline
            resolved.stage = mapped.stage ?? tagged.stage
            resolved.outcome = mapped.outcome ?? tagged.outcome
            resolved.queue = mapped.queue ?? tagged.queue
        }
        let eventTimeMillis = try Self.eventTime(tagged.eventTime, timestampSeconds: timestampSeconds)
        var line = ResolvedStatsDLine(type: type, rate: rate, eventTimeMillis: eventTimeMillis, pipeline: try Self.name(resolved.pipeline, "pipeline", type))
        switch type {
        case .counter:
            line.stage = try Self.name(resolved.stage, "stage", type)
            guard let outcomeText = resolved.outcome else { throw Self.missing("outcome", type) }
            guard let outcome = Outcome(name: outcomeText) else {
                throw StatsDLineRejection(.unknownOutcome, "outcome must be one of \(Outcome.expectedNames); got \(Self.quoted(outcomeText))")
            }
            line.outcome = outcome
            if !fields.labelTags.isEmpty { line.labels = try self.labels(of: line.pipeline, from: fields.labelTags) }
        case .timer:
            line.stage = try Self.name(resolved.stage, "stage", type)
        case .gauge:
            line.queue = try Self.name(resolved.queue, "queue", type)
        }
        return line
    }

    /// Reads a resolved line's value and makes the line.
    private static func complete(_ line: ResolvedStatsDLine, value valueText: ByteSpan) throws(StatsDLineRejection) -> StatsDLine {
        switch line.type {
        case .counter:
            let count = try Self.count(valueText, rate: line.rate)
            return .events(
                StageReport(pipeline: line.pipeline, stage: line.stage!, outcome: line.outcome!, count: count, eventTimeMillis: line.eventTimeMillis, labels: line.labels)
            )
        case .timer:
            let millis = try Self.millis(valueText)
            return .latency(LatencyObservation(pipeline: line.pipeline, stage: line.stage!, eventTimeMillis: line.eventTimeMillis, millis: millis, weight: Self.weight(rate: line.rate)))
        case .gauge:
            let depth = try Self.depth(valueText)
            return .dlqDepth(QueueDepthReport(pipeline: line.pipeline, queue: line.queue!, depth: depth, timeMillis: line.eventTimeMillis))
        }
    }

    // MARK: Values

    /// The smallest sample rate taken: one line in a million. Below it one line would stand for more events than
    /// a count can say exactly, so such lines are refused (`bad_sample_rate`).
    public static let minimumSampleRate = 0.000_001

    /// The events a counter's value stands for: scaled up by the sample rate, rounded, at least 1 unless it is 0.
    static func count(_ valueText: ByteSpan, rate: Double?) throws(StatsDLineRejection) -> UInt64 {
        let scaled = try Self.scaledCount(valueText, rate: rate)
        guard scaled != 0 else { return 0 }
        return max(1, UInt64(rounding: scaled) ?? 1)
    }

    /// A counter's value scaled by its sample rate (`value / rate`), exactly, for a sum that carries the fraction;
    /// refused when negative, not a number, or above ``ReportBodyParser/maximumCount``.
    static func scaledCount(_ valueText: ByteSpan, rate: Double?) throws(StatsDLineRejection) -> Double {
        guard let value = valueText.double, value.isFinite, value >= 0 else {
            throw StatsDLineRejection(.badValue, "a counter must be a number >= 0, got \(Self.quoted(valueText.string))")
        }
        let scaled = value / (rate ?? 1)
        guard scaled.isFinite, scaled.rounded() <= Double(ReportBodyParser.maximumCount) else {
            throw StatsDLineRejection(.badValue, "count \(Self.quoted(valueText.string)) scaled by the sample rate exceeds \(ReportBodyParser.maximumCount)")
        }
        return scaled
    }

    /// A timer's value in milliseconds.
    static func millis(_ valueText: ByteSpan) throws(StatsDLineRejection) -> Double {
        guard let value = valueText.double, value.isFinite, value >= 0, value <= ReportBodyParser.maximumLatencyMillis else {
            throw StatsDLineRejection(
                .badValue,
                "a latency must be a number of milliseconds from 0 to 2592000000 (30 days), got \(Self.quoted(valueText.string))"
            )
        }
        return value
    }

    /// How many events one timer sample stands for at a sample rate: 1/rate, rounded, from 1 to
    /// ``FunnelLedger/maximumLatencyWeight``.
    static func weight(rate: Double?) -> UInt64 {
        let weight = UInt64(rounding: 1 / (rate ?? 1)) ?? FunnelLedger.maximumLatencyWeight
        return min(max(1, weight), FunnelLedger.maximumLatencyWeight)
    }

    /// A gauge's value as a DLQ depth: absolute and whole.
    static func depth(_ valueText: ByteSpan) throws(StatsDLineRejection) -> UInt64 {
        if valueText.first == UInt8(ascii: "+") || valueText.first == UInt8(ascii: "-") {
            throw StatsDLineRejection(
                .badValue, "relative gauges (\(valueText.string)) are not taken for a DLQ depth, which a lost datagram would skew for good; send the absolute depth"
            )
        }
        guard let value = valueText.double, let depth = UInt64(exactly: value), depth <= ReportBodyParser.maximumDepth else {
            throw StatsDLineRejection(.badValue, "a DLQ depth must be a whole number from 0 to \(ReportBodyParser.maximumDepth), got \(Self.quoted(valueText.string))")
        }
        return depth
    }

    // MARK: Helpers

    /// The field texts a line's tags or a mapping give.
    private struct FieldTexts {
        var pipeline: String?
        var stage: String?
        var outcome: String?
        var queue: String?
        var eventTime: String?
    }

    /// The labels of a counter of `pipeline`: the values of its tags named like a label the pipeline declares, each
    /// once and valid as ``LabelRule`` says; tags named like another pipeline's labels are ignored.
    private func labels(of pipeline: String, from tags: [StatsDLineFields.LabelTag]) throws(StatsDLineRejection) -> [String: String] {
        let declared = self.labels.positions(ofPipeline: pipeline)
        var labels: [String: String] = [:]
        for tag in tags where declared.contains(tag.position) {
            let name = self.labels.names[tag.position]
            guard !tag.value.isEmpty else { throw StatsDLineRejection(.badTag, "label tag \(name) needs a value, as \(name):VALUE") }
            let value = tag.value.string
            guard labels.updateValue(value, forKey: name) == nil else { throw StatsDLineRejection(.badTag, "label tag \(name) appears twice") }
            if let problem = LabelRule.problem(withValue: value) { throw StatsDLineRejection(.badTag, "label tag \(name): value \(problem)") }
        }
        return labels
    }

    private static func name(_ text: String?, _ field: String, _ type: StatsDMetricType) throws(StatsDLineRejection) -> String {
        guard let text else { throw Self.missing(field, type) }
        if NameRule.accepts(text) { return text }
        if let problem = NameRule.problem(with: text) { throw StatsDLineRejection(.badName, "\(field) \(problem)") }
        return text
    }

    private static func missing(_ field: String, _ type: StatsDMetricType) -> StatsDLineRejection {
        let needs =
            switch type {
            case .counter: "pipeline, stage and outcome"
            case .timer: "pipeline and stage"
            case .gauge: "pipeline and queue"
            }
        return StatsDLineRejection(.missingTag, "no \(field): a \(type.rawValue) needs \(needs), from tags (\(field):NAME) or a mapping rule")
    }

    private static func eventTime(_ text: String?, timestampSeconds: Int64?) throws(StatsDLineRejection) -> Int64? {
        guard let text else { return timestampSeconds.map { $0 * 1000 } }
        if let millis = EventTimestamp.parseRFC3339(text) { return millis }
        if let seconds = Double(text), seconds >= 0, seconds < 1e11, text.first != "+", let millis = Int64(millisecondsFromSeconds: seconds) {
            return millis
        }
        throw StatsDLineRejection(.badTag, "event_time must be an RFC 3339 timestamp or Unix seconds, got \(Self.quoted(text))")
    }

    /// ASCII whitespace around a line: space, tab, CR, LF, vertical tab, form feed.
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (0x09...0x0D).contains(byte)
    }

    private static func typeField(_ type: StatsDMetricType) -> String {
        switch type {
        case .counter: "c"
        case .timer: "ms"
        case .gauge: "g"
        }
    }

    static func quoted(_ text: some StringProtocol) -> String {
        let shown = text.count > 64 ? String(text.prefix(64)) + "..." : String(text)
        return String(reflecting: shown)
    }
}
