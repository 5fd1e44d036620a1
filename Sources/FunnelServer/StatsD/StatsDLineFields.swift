/// The fields after a StatsD line's value, taken apart but not yet interpreted: the type, the sample rate, the tags
/// Funnel reads (its own and those named like a declared label) and the timestamp.
///
/// Everything a line means besides its name is in here, and nothing else is: the tags Funnel ignores (`host:`,
/// `env:`, DogStatsD's container fields) are checked for form and dropped. So two lines with the same name and the
/// same ``meaningKey(name:into:)`` mean the same, whatever else they carry.
struct StatsDLineFields {
    var type: StatsDMetricType
    /// The type as written (`ms`, `h` and `d` all mean a timer).
    var typeField: ByteSpan
    var rate: Double?
    /// The rate as written, without its `@`.
    var rateField: ByteSpan?
    var pipeline: ByteSpan?
    var stage: ByteSpan?
    var outcome: ByteSpan?
    var queue: ByteSpan?
    var eventTime: ByteSpan?
    var timestampSeconds: Int64?
    /// The timestamp as written, without its `T`.
    var timestampField: ByteSpan?
    /// The tags whose key some pipeline declares as a label, by position among ``StatsDDeclaredLabels/names`` (a
    /// key given twice stays twice, for the parser to refuse when the line's pipeline declares it).
    var labelTags: [LabelTag] = []

    /// A tag named like a declared label: the label's position and the value as written (empty when there is none).
    struct LabelTag {
        var position: Int
        var value: ByteSpan
    }

    /// Takes apart the bytes after a line's value (`type[|@rate][|#tags][|T<seconds>]`, the first `|` excluded),
    /// keeping the tags named like one of `labels`.
    init(afterValue: ByteSpan, labels: StatsDDeclaredLabels = .none) throws(StatsDLineRejection) {
        var rest = afterValue
        let typeField = rest.popField(separator: UInt8(ascii: "|"))
        guard let type = StatsDMetricType(typeBytes: typeField) else {
            if typeField.isEmpty { throw StatsDLineRejection(.malformed, "the type after '|' is empty") }
            if typeField.equals("s") {
                throw StatsDLineRejection(.unknownType, "sets (|s) are not supported; use |c for events, |ms for latency, |g for DLQ depth")
            }
            throw StatsDLineRejection(.unknownType, "type \(StatsDLineParser.quoted(typeField.string)) is not one of c, ms, h, d, g")
        }
        self.type = type
        self.typeField = typeField
        var tags: ByteSpan?
        while let field = rest.popFieldIfAny(separator: UInt8(ascii: "|")) {
            switch field.first ?? UInt8(ascii: " ") {
            case UInt8(ascii: "@"):
                guard self.rate == nil else { throw StatsDLineRejection(.malformed, "the sample rate is given twice") }
                let text = field.dropFirst()
                guard let value = text.double, value.isFinite, value >= StatsDLineParser.minimumSampleRate, value <= 1 else {
                    throw StatsDLineRejection(
                        .badSampleRate, "sample rate must be a number from 0.000001 to 1, got \(StatsDLineParser.quoted(text.string))"
                    )
                }
                self.rate = value
                self.rateField = text
            case UInt8(ascii: "#"):
                guard tags == nil else { throw StatsDLineRejection(.malformed, "the tags (#...) are given twice") }
                tags = field.dropFirst()
            case UInt8(ascii: "T"):
                let text = field.dropFirst()
                guard self.timestampSeconds == nil, let seconds = text.wholeNumber, seconds >= 0, seconds < 100_000_000_000 else {
                    throw StatsDLineRejection(.malformed, "timestamp \(StatsDLineParser.quoted(field.string)) must be T followed by Unix seconds, once")
                }
                self.timestampSeconds = seconds
                self.timestampField = text
            case UInt8(ascii: "c") where field.hasPrefix("c:"), UInt8(ascii: "e") where field.hasPrefix("e:"), UInt8(ascii: "c") where field.hasPrefix("card:"):
                continue  // DogStatsD container id, external data and cardinality: not Funnel's business.
            default:
                throw StatsDLineRejection(
                    .malformed, "unknown field \(StatsDLineParser.quoted(field.string)) after the type; expected @rate, #tags or T<unix seconds>"
                )
            }
        }
        if var remaining = tags {
            while let tag = remaining.popFieldIfAny(separator: UInt8(ascii: ",")) {
                try self.take(tag, labels: labels)
            }
        }
    }

    /// Keeps one tag's value when Funnel reads its key; checks the form of every tag.
    private mutating func take(_ tag: ByteSpan, labels: StatsDDeclaredLabels) throws(StatsDLineRejection) {
        let key: ByteSpan
        let value: ByteSpan?
        if let separator = tag.firstIndex(of: UInt8(ascii: ":")) {
            key = tag.prefix(upTo: separator)
            value = tag.suffix(from: separator + 1)
        } else {
            key = tag
            value = nil
        }
        guard !key.isEmpty else { throw StatsDLineRejection(.badTag, "tag \(StatsDLineParser.quoted(tag.string)) has no key") }
        guard let slot = Self.slot(key) else {
            if !labels.isEmpty, let position = labels.position(of: key) {
                let labelTag = LabelTag(position: position, value: value ?? ByteSpan(tag.base, tag.range.upperBound..<tag.range.upperBound))
                let insertion = self.labelTags.firstIndex { $0.position > position } ?? self.labelTags.endIndex
                self.labelTags.insert(labelTag, at: insertion)
            }
            return
        }
        guard let value, !value.isEmpty else { throw StatsDLineRejection(.badTag, "tag \(key.string) needs a value, as \(key.string):VALUE") }
        guard self[keyPath: slot] == nil else { throw StatsDLineRejection(.badTag, "tag \(key.string) appears twice") }
        self[keyPath: slot] = value
    }

    /// Where the value of a tag Funnel reads goes, or nil for a tag it ignores; by length first, as most tags are not Funnel's.
    private static func slot(_ key: ByteSpan) -> WritableKeyPath<StatsDLineFields, ByteSpan?>? {
        switch key.range.count {
        case 5:
            if key.equals("stage") { return \.stage }
            if key.equals("queue") { return \.queue }
        case 7:
            if key.equals("outcome") { return \.outcome }
        case 8:
            if key.equals("pipeline") { return \.pipeline }
        case 10:
            if key.equals("event_time") { return \.eventTime }
        default:
            break
        }
        return nil
    }

    /// Appends what determines the line's meaning, given its name: the name, the type and rate as written, the values
    /// of the tags Funnel reads (in a fixed order, wherever they stood), the timestamp and, for a counter, its label
    /// tags as `position:value` in the order of their positions, each closed by `|`.
    ///
    /// No part can hold a `|` (it separates the fields) and a position no `:`, so different meanings never write
    /// the same key. Timers and gauges carry no labels, so their label tags are left out of the key.
    func meaningKey(name: UnsafeRawBufferPointer, into key: inout [UInt8]) {
        func append(_ part: ByteSpan?) {
            if let part { key.append(contentsOf: part.buffer) }
            key.append(UInt8(ascii: "|"))
        }
        key.append(contentsOf: name)
        key.append(UInt8(ascii: "|"))
        append(self.typeField)
        append(self.rateField)
        append(self.pipeline)
        append(self.stage)
        append(self.outcome)
        append(self.queue)
        append(self.eventTime)
        append(self.timestampField)
        guard self.type == .counter else { return }
        for tag in self.labelTags {
            key.append(contentsOf: String(tag.position).utf8)
            key.append(UInt8(ascii: ":"))
            append(tag.value)
        }
    }
}
