import FunnelCore

/// What is wrong with one data point.
struct OTLPPointProblem: Error, Sendable {
    var problem: String

    init(_ problem: String) {
        self.problem = problem
    }
}

/// A point's attributes, falling back to its resource's: `pipeline` may be set once for a whole service.
struct OTLPPointAttributes {
    var point: [OTLPKeyValue]
    var resource: [OTLPKeyValue]

    func value(_ key: String) -> OTLPAnyValue? {
        (self.point.first { $0.key == key } ?? self.resource.first { $0.key == key })?.value
    }

    /// A string attribute.
    func string(_ key: String) throws(OTLPPointProblem) -> String {
        guard let value = self.value(key) else { throw OTLPPointProblem("attribute \(String(reflecting: key)) is missing") }
        guard case .stringValue(let text) = value.value else { throw OTLPPointProblem("attribute \(String(reflecting: key)) must be a string") }
        return text
    }

    /// A pipeline, stage or queue name: a string attribute that follows ``NameRule``.
    func name(_ key: String) throws(OTLPPointProblem) -> String {
        let text = try self.string(key)
        if let problem = NameRule.problem(with: text) { throw OTLPPointProblem("attribute \(String(reflecting: key)): \(problem)") }
        return text
    }

    /// The string attributes named `labels` (a pipeline's declared labels), point before resource; a label absent
    /// or not a string is left out.
    func labels(_ labels: [String]) -> [String: String] {
        var values: [String: String] = [:]
        for label in labels {
            if case .stringValue(let text)? = self.value(label)?.value { values[label] = text }
        }
        return values
    }

    /// The `event_time` attribute as Unix milliseconds: an RFC 3339 string or Unix seconds; nil when absent.
    func eventTimeMillis() throws(OTLPPointProblem) -> Int64? {
        guard let value = self.point.first(where: { $0.key == "event_time" })?.value else { return nil }
        switch value.value {
        case .stringValue(let text):
            if let millis = EventTimestamp.parseRFC3339(text) { return millis }
            if let seconds = Double(text), let millis = Int64(millisecondsFromSeconds: seconds) { return millis }
            throw OTLPPointProblem("attribute \"event_time\": must be RFC 3339 or Unix seconds, got \(String(reflecting: text))")
        case .intValue(let seconds):
            guard let millis = Int64(millisecondsFromSeconds: Double(seconds)) else { throw OTLPPointProblem("attribute \"event_time\": \(seconds) is out of range") }
            return millis
        case .doubleValue(let seconds):
            guard let millis = Int64(millisecondsFromSeconds: seconds) else { throw OTLPPointProblem("attribute \"event_time\": \(seconds) is out of range") }
            return millis
        default:
            throw OTLPPointProblem("attribute \"event_time\": must be RFC 3339 or Unix seconds")
        }
    }
}
