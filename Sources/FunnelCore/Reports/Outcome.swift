/// What happened to events at a stage: the outcomes a stage report can count.
///
/// The first four are a stage's ordinary flow; the last three are recovery: events the stage saw again
/// (`redelivered`), took back from its dead-letter queue (`redriven`) or was fed again from outside the normal
/// flow (`replayed`), each reported with the events' original `event_time`.
public enum Outcome: UInt8, Sendable, Hashable, CaseIterable, Codable {
    /// The events entered the stage.
    case received = 0
    /// The stage handed the events on; for the last stage this means delivered.
    case passed = 1
    /// The stage gave up on the events and knows it.
    case failed = 2
    /// The stage sent the events to a dead-letter queue.
    case deadLettered = 3
    /// The stage got events it had already counted as received (an at-least-once queue redelivering them).
    case redelivered = 4
    /// Events taken out of this stage's dead-letter queue and fed back into the stage.
    case redriven = 5
    /// Events fed into this stage again from outside the normal flow (a replay of an ingestion log, a backfill).
    case replayed = 6

    /// The outcome's name on the wire and in metric labels.
    public var name: String {
        switch self {
        case .received: "received"
        case .passed: "passed"
        case .failed: "failed"
        case .deadLettered: "dead_lettered"
        case .redelivered: "redelivered"
        case .redriven: "redriven"
        case .replayed: "replayed"
        }
    }

    /// The wire name as static bytes, for matching without building strings.
    var wireName: StaticString {
        switch self {
        case .received: "received"
        case .passed: "passed"
        case .failed: "failed"
        case .deadLettered: "dead_lettered"
        case .redelivered: "redelivered"
        case .redriven: "redriven"
        case .replayed: "replayed"
        }
    }

    /// Parses the wire name of an outcome, or returns nil for anything else.
    public init?(name: some StringProtocol) {
        switch name {
        case "received": self = .received
        case "passed": self = .passed
        case "failed": self = .failed
        case "dead_lettered": self = .deadLettered
        case "redelivered": self = .redelivered
        case "redriven": self = .redriven
        case "replayed": self = .replayed
        default: return nil
        }
    }

    /// Whether the outcome is one of recovery (redelivered, redriven, replayed): events seen again, late by nature,
    /// so never counted as late events.
    public var isRecovery: Bool { self.rawValue >= Outcome.redelivered.rawValue }

    /// Every outcome's wire name, for messages: "received, passed, ... or replayed".
    public static let expectedNames: String = {
        let names = Outcome.allCases.map(\.name)
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }()

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let outcome = Outcome(name: name) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown outcome \"\(name)\": expected \(Outcome.expectedNames)"
            )
        }
        self = outcome
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.name)
    }
}
