/// What happened to events at a stage: the four outcomes a stage report can count.
public enum Outcome: UInt8, Sendable, Hashable, CaseIterable, Codable {
    /// The events entered the stage.
    case received = 0
    /// The stage handed the events on; for the last stage this means delivered.
    case passed = 1
    /// The stage gave up on the events and knows it.
    case failed = 2
    /// The stage sent the events to a dead-letter queue.
    case deadLettered = 3

    /// The outcome's name on the wire and in metric labels.
    public var name: String {
        switch self {
        case .received: "received"
        case .passed: "passed"
        case .failed: "failed"
        case .deadLettered: "dead_lettered"
        }
    }

    /// The wire name as static bytes, for matching without building strings.
    var wireName: StaticString {
        switch self {
        case .received: "received"
        case .passed: "passed"
        case .failed: "failed"
        case .deadLettered: "dead_lettered"
        }
    }

    /// Parses the wire name of an outcome, or returns nil for anything else.
    public init?(name: some StringProtocol) {
        switch name {
        case "received": self = .received
        case "passed": self = .passed
        case "failed": self = .failed
        case "dead_lettered": self = .deadLettered
        default: return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let outcome = Outcome(name: name) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown outcome \"\(name)\": expected received, passed, failed or dead_lettered"
            )
        }
        self = outcome
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.name)
    }
}
