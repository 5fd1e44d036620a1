import FunnelCore

/// A glob rule that turns a dotted StatsD name into pipeline, stage, outcome or queue, like statsd_exporter's mappings.
///
/// `match: "*.*.*"` with `pipeline: "$1"`, `stage: "$2"`, `outcome: "$3"` maps `orders.ingest.received:5|c`
/// to 5 events received at stage `ingest` of pipeline `orders`. A `*` matches one or more characters other
/// than `.`; `$n` (or `${n}`) in a field is the text the n-th `*` matched; other text is taken literally.
/// Fields a rule leaves out may come from the line's tags. Rules are tried in order and the first match wins.
public struct StatsDMapping: Sendable, Hashable {
    /// The glob the whole name must match.
    public private(set) var match: String
    /// Only lines of this type match; nil matches every type.
    public var metricType: StatsDMetricType?
    public var pipeline: String?
    public var stage: String?
    public var outcome: String?
    public var queue: String?
    private var tokens: [GlobToken]

    enum GlobToken: Sendable, Hashable {
        case literal([UInt8])
        case star
    }

    public init(
        match: String,
        metricType: StatsDMetricType? = nil,
        pipeline: String? = nil,
        stage: String? = nil,
        outcome: String? = nil,
        queue: String? = nil
    ) {
        self.match = match
        self.metricType = metricType
        self.pipeline = pipeline
        self.stage = stage
        self.outcome = outcome
        self.queue = queue
        self.tokens = Self.compile(match)
    }

    /// The number of `*` in the glob, the highest `$n` the fields may use.
    public var captureCount: Int { self.tokens.reduce(0) { $0 + ($1 == .star ? 1 : 0) } }

    // MARK: Validation

    /// The first problem with this rule as `(field, problem)`, or nil when it is usable.
    public func problem() -> (field: String, problem: String)? {
        if self.match.isEmpty { return ("match", "must not be empty") }
        if let bad = self.match.unicodeScalars.first(where: { $0 != "*" && !($0.isASCII && NameRule.isAllowed(UInt8($0.value))) }) {
            return ("match", "may only contain '*' and the characters of names ([A-Za-z0-9_.:-]), got \(String(reflecting: String(bad)))")
        }
        if self.match.contains("**") { return ("match", "'**' is not supported; use '*' for each part of the name") }
        if self.pipeline == nil, self.stage == nil, self.outcome == nil, self.queue == nil {
            return ("match", "a mapping must set at least one of pipeline, stage, outcome, queue")
        }
        for (field, template) in [("pipeline", self.pipeline), ("stage", self.stage), ("outcome", self.outcome), ("queue", self.queue)] {
            guard let template else { continue }
            switch Self.references(in: template) {
            case .failure(let problem):
                return (field, problem.description)
            case .success(let references):
                if let highest = references.max(), highest > self.captureCount {
                    return (field, "uses $\(highest) but match \(String(reflecting: self.match)) has \(self.captureCount) '*'")
                }
                if references.isEmpty {
                    if field == "outcome" {
                        if Outcome(name: template) == nil {
                            return (field, "must be one of \(Outcome.expectedNames), or use $n, got \(String(reflecting: template))")
                        }
                    } else if let problem = NameRule.problem(with: template) {
                        return (field, problem)
                    }
                }
            }
        }
        return nil
    }

    // MARK: Matching

    /// The rule's fields filled in for `name`, or nil when the rule does not match it.
    public func apply(to name: some StringProtocol, type: StatsDMetricType) -> MappedFields? {
        Array(name.utf8).withUnsafeBytes { self.apply(toBuffer: $0, type: type) }
    }

    /// Applies the rule to a name's UTF-8 bytes in place, so a parser trying several rules copies nothing.
    func apply(toBuffer bytes: UnsafeRawBufferPointer, type: StatsDMetricType) -> MappedFields? {
        if let metricType = self.metricType, metricType != type { return nil }
        var captures: [Range<Int>] = []
        captures.reserveCapacity(self.tokens.count)
        guard Self.match(self.tokens[...], bytes, from: 0, captures: &captures) else { return nil }
        func expand(_ template: String?) -> String? {
            guard let template else { return nil }
            // The common template is one whole capture, `$n`: the captured bytes are the value.
            if let number = Self.soleReference(template), number <= captures.count {
                return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[captures[number - 1]]), as: UTF8.self)
            }
            return Self.expand(template, captures: captures, in: bytes)
        }
        return MappedFields(pipeline: expand(self.pipeline), stage: expand(self.stage), outcome: expand(self.outcome), queue: expand(self.queue))
    }

    /// The fields a matching rule produced; nil where the rule has no template for the field.
    public struct MappedFields: Sendable, Hashable {
        public var pipeline: String?
        public var stage: String?
        public var outcome: String?
        public var queue: String?

        public init(pipeline: String? = nil, stage: String? = nil, outcome: String? = nil, queue: String? = nil) {
            self.pipeline = pipeline
            self.stage = stage
            self.outcome = outcome
            self.queue = queue
        }
    }

    private static func match(_ tokens: ArraySlice<GlobToken>, _ name: UnsafeRawBufferPointer, from position: Int, captures: inout [Range<Int>]) -> Bool {
        guard let token = tokens.first else { return position == name.count }
        switch token {
        case .literal(let literal):
            guard name.count - position >= literal.count, name[position..<position + literal.count].elementsEqual(literal) else {
                return false
            }
            return Self.match(tokens.dropFirst(), name, from: position + literal.count, captures: &captures)
        case .star:
            // One or more characters, never a dot; try the longest run first, then shorter ones.
            var end = position
            while end < name.count, name[end] != UInt8(ascii: ".") { end += 1 }
            while end > position {
                captures.append(position..<end)
                if Self.match(tokens.dropFirst(), name, from: end, captures: &captures) { return true }
                captures.removeLast()
                end -= 1
            }
            return false
        }
    }

    private static func compile(_ glob: String) -> [GlobToken] {
        var tokens: [GlobToken] = []
        var literal: [UInt8] = []
        for byte in glob.utf8 {
            if byte == UInt8(ascii: "*") {
                if !literal.isEmpty { tokens.append(.literal(literal)) }
                literal = []
                tokens.append(.star)
            } else {
                literal.append(byte)
            }
        }
        if !literal.isEmpty { tokens.append(.literal(literal)) }
        return tokens
    }

    // MARK: Templates

    /// The `$n` references of a template, or why it cannot be read.
    private static func references(in template: String) -> Result<[Int], TemplateProblem> {
        var references: [Int] = []
        var scalars = template.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "$" else { continue }
            if scalars.first == "$" {
                scalars.removeFirst()
                continue
            }
            let braced = scalars.first == "{"
            if braced { scalars.removeFirst() }
            var digits = ""
            while let next = scalars.first, ("0"..."9").contains(next) {
                digits.unicodeScalars.append(next)
                scalars.removeFirst()
            }
            if braced {
                guard scalars.first == "}" else { return .failure(TemplateProblem("'${' must be followed by digits and '}' in \(String(reflecting: template))")) }
                scalars.removeFirst()
            }
            guard let number = Int(digits), number >= 1 else {
                return .failure(TemplateProblem("'$' must be followed by a capture number from 1 (or written '$$') in \(String(reflecting: template))"))
            }
            references.append(number)
        }
        return .success(references)
    }

    private struct TemplateProblem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// `n` when the template is exactly `$n` (n from 1 to 9), else nil.
    private static func soleReference(_ template: String) -> Int? {
        var utf8 = template.utf8.makeIterator()
        guard utf8.next() == UInt8(ascii: "$"), let digit = utf8.next(), (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(digit), utf8.next() == nil else {
            return nil
        }
        return Int(digit - UInt8(ascii: "0"))
    }

    private static func expand(_ template: String, captures: [Range<Int>], in name: UnsafeRawBufferPointer) -> String {
        guard template.utf8.contains(UInt8(ascii: "$")) else { return template }
        var output: [UInt8] = []
        let bytes = Array(template.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            guard byte == UInt8(ascii: "$"), index < bytes.count else {
                output.append(byte)
                continue
            }
            if bytes[index] == UInt8(ascii: "$") {
                output.append(byte)
                index += 1
                continue
            }
            let braced = bytes[index] == UInt8(ascii: "{")
            if braced { index += 1 }
            var number = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                number = number * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            if braced, index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1 }
            if number >= 1, number <= captures.count {
                output.append(contentsOf: name[captures[number - 1]])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
