/// The fields a report object may carry, so that the parser matches keys by their bytes instead of building strings.
enum ReportField: UInt8, CaseIterable {
    case pipeline, stage, outcome, count, eventTime, latency, latencies, endToEnd, endToEndLatencies, queue, depth, time, reporter, watermark, labels

    /// The field's key on the wire.
    var key: StaticString {
        switch self {
        case .pipeline: "pipeline"
        case .stage: "stage"
        case .outcome: "outcome"
        case .count: "count"
        case .eventTime: "event_time"
        case .latency: "latency_ms"
        case .latencies: "latencies_ms"
        case .endToEnd: "end_to_end_ms"
        case .endToEndLatencies: "end_to_end_latencies_ms"
        case .queue: "queue"
        case .depth: "depth"
        case .time: "time"
        case .reporter: "reporter"
        case .watermark: "watermark"
        case .labels: "labels"
        }
    }

    /// The key as a string, for error messages.
    var name: String { self.key.description }

    /// The field's bit in a set of seen fields.
    var bit: UInt16 { 1 << self.rawValue }

    /// The fields that belong to stage reports only, in the order error messages check them.
    static let stageOnly: [ReportField] = [.stage, .outcome, .count, .eventTime, .latency, .latencies, .endToEnd, .endToEndLatencies, .labels]

    /// Matches a key's raw bytes (without quotes or escapes).
    init?(bytes: UnsafeRawBufferPointer) {
        let candidate: ReportField
        switch (bytes.count, bytes.first ?? 0) {
        case (4, _): candidate = .time
        case (6, _): candidate = .labels
        case (5, UInt8(ascii: "s")): candidate = .stage
        case (5, UInt8(ascii: "c")): candidate = .count
        case (5, UInt8(ascii: "q")): candidate = .queue
        case (5, UInt8(ascii: "d")): candidate = .depth
        case (7, _): candidate = .outcome
        case (8, UInt8(ascii: "p")): candidate = .pipeline
        case (8, UInt8(ascii: "r")): candidate = .reporter
        case (9, _): candidate = .watermark
        case (10, UInt8(ascii: "e")): candidate = .eventTime
        case (10, UInt8(ascii: "l")): candidate = .latency
        case (12, _): candidate = .latencies
        case (13, _): candidate = .endToEnd
        case (23, _): candidate = .endToEndLatencies
        default: return nil
        }
        let matches = candidate.key.withUTF8Buffer { key in
            key.count == bytes.count && NameCache.equal(UnsafeRawBufferPointer(key), bytes)
        }
        guard matches else { return nil }
        self = candidate
    }

    /// Matches a decoded key.
    init?(name: String) {
        guard let field = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = field
    }
}
