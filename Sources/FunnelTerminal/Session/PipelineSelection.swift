/// Which pipelines `funnel status` reports: those whose names match any of the patterns (all when there are none),
/// and of those at most the `worst` in most trouble.
public struct PipelineSelection: Sendable, Hashable {
    public var patterns: [PipelineGlob]
    /// Only this many pipelines, the ones in most trouble (``PipelineTrouble/ranked(_:funnels:alarms:)``); nil for all.
    public var worst: Int?

    public init(patterns: [PipelineGlob] = [], worst: Int? = nil) {
        self.patterns = patterns
        self.worst = worst
    }

    /// Parses `--pipeline` values, each one pattern or several separated by commas, and `--worst`.
    public init(pipelines: [String], worst: Int?) throws(PipelineSelectionError) {
        var patterns: [PipelineGlob] = []
        for value in pipelines {
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                let pattern = part.trimmingSpaces
                guard !pattern.isEmpty else { throw PipelineSelectionError(option: "--pipeline", value: value, reason: "an empty pattern") }
                do {
                    patterns.append(try PipelineGlob(pattern))
                } catch {
                    throw PipelineSelectionError(option: "--pipeline", value: value, reason: error.reason)
                }
            }
        }
        if let worst, worst < 1 {
            throw PipelineSelectionError(option: "--worst", value: String(worst), reason: "expected how many pipelines to show, 1 or more")
        }
        self.init(patterns: patterns, worst: worst)
    }

    /// True when some pipelines may be left out: alarms of the left-out ones do not count.
    public var narrows: Bool { !self.patterns.isEmpty || self.worst != nil }

    /// One plain name and no `--worst`: `--json` prints one object rather than an array.
    public var isSinglePipeline: Bool { self.patterns.count == 1 && self.patterns[0].isLiteral && self.worst == nil }

    /// The names of `known` that some pattern matches, in their order; every name when there are no patterns.
    public func matching(_ known: [String]) -> [String] {
        guard !self.patterns.isEmpty else { return known }
        return known.filter { name in self.patterns.contains { $0.matches(name) } }
    }

    /// The patterns that match none of `known`.
    public func unmatched(_ known: [String]) -> [PipelineGlob] {
        self.patterns.filter { pattern in !known.contains { pattern.matches($0) } }
    }
}

/// A `--pipeline` or `--worst` value that cannot be used, naming the option, the value and why.
public struct PipelineSelectionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var option: String
    public var value: String
    public var reason: String

    public var description: String { "\(self.option) \(String(reflecting: self.value)): \(self.reason)" }
}

/// A shell-style pattern for pipeline names: `*` any run of characters, `?` one, `[a-c]` or `[!x]` one of a set,
/// `\` takes the next character as it is; without those it is a plain name.
public struct PipelineGlob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    let tokens: [Token]

    enum Token: Sendable, Hashable {
        case character(Character)
        case any
        case anyRun
        case set(ranges: [ClosedRange<Character>], negated: Bool)
    }

    /// Why a pattern cannot be read, e.g. `an unclosed "[" at character 8`.
    public struct Malformed: Error, Sendable, Hashable {
        public var reason: String
    }

    public init(_ pattern: String) throws(Malformed) {
        self.pattern = pattern
        var tokens: [Token] = []
        let characters = Array(pattern)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "*":
                if tokens.last != .anyRun { tokens.append(.anyRun) }
            case "?":
                tokens.append(.any)
            case "\\":
                guard index + 1 < characters.count else { throw Malformed(reason: "a \"\\\" with nothing after it at the end") }
                index += 1
                tokens.append(.character(characters[index]))
            case "[":
                let start = index
                index += 1
                let negated = index < characters.count && (characters[index] == "!" || characters[index] == "^")
                if negated { index += 1 }
                var ranges: [ClosedRange<Character>] = []
                var first = true
                while index < characters.count, characters[index] != "]" || first {
                    let low = characters[index]
                    if index + 2 < characters.count, characters[index + 1] == "-", characters[index + 2] != "]" {
                        let high = characters[index + 2]
                        guard low <= high else { throw Malformed(reason: "the range \(low)-\(high) at character \(index + 1) runs backwards") }
                        ranges.append(low...high)
                        index += 3
                    } else {
                        ranges.append(low...low)
                        index += 1
                    }
                    first = false
                }
                guard index < characters.count else { throw Malformed(reason: "an unclosed \"[\" at character \(start + 1)") }
                tokens.append(.set(ranges: ranges, negated: negated))
            default:
                tokens.append(.character(character))
            }
            index += 1
        }
        self.tokens = tokens
    }

    /// True when the pattern has no wildcard: it names one pipeline.
    public var isLiteral: Bool {
        self.tokens.allSatisfy { if case .character = $0 { true } else { false } }
    }

    public var description: String { self.pattern }

    /// Whether all of `name` matches the pattern.
    public func matches(_ name: String) -> Bool {
        let characters = Array(name)
        // Backtracking over the last `*` is enough for shell patterns: linear in practice, quadratic at worst.
        var token = 0
        var position = 0
        var star: (token: Int, position: Int)?
        while position < characters.count {
            if token < self.tokens.count, self.tokens[token] == .anyRun {
                star = (token, position)
                token += 1
            } else if token < self.tokens.count, Self.token(self.tokens[token], accepts: characters[position]) {
                token += 1
                position += 1
            } else if let last = star {
                token = last.token + 1
                position = last.position + 1
                star = (last.token, last.position + 1)
            } else {
                return false
            }
        }
        while token < self.tokens.count, self.tokens[token] == .anyRun { token += 1 }
        return token == self.tokens.count
    }

    static func token(_ token: Token, accepts character: Character) -> Bool {
        switch token {
        case .character(let expected): character == expected
        case .any: true
        case .anyRun: false
        case .set(let ranges, let negated): ranges.contains { $0.contains(character) } != negated
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
