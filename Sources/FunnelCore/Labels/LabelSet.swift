/// The values of a pipeline's declared labels that one report carried, in the order the pipeline declares them.
///
/// A label a report leaves out has the empty value; a value past the cardinality guard is ``LabelSet/otherValue``.
public struct LabelSet: Sendable, Hashable, Comparable {
    /// The value counted for a label's new values once it has ``LedgerPolicy/maximumLabelValues`` of them.
    public static let otherValue = "__other__"
    /// Between two values in ``encoded(names:)``: a control character, which values may not contain.
    static let separator: Character = "\u{1F}"

    public var values: [String]

    public init(_ values: [String]) {
        self.values = values
    }

    /// Every label left out.
    public static func empty(count: Int) -> LabelSet { LabelSet(Array(repeating: "", count: count)) }

    /// Whether every value in `filter` (label position to value) is this set's.
    public func matches(_ filter: [(position: Int, value: String)]) -> Bool {
        filter.allSatisfy { $0.position < self.values.count && self.values[$0.position] == $0.value }
    }

    /// The set as stored: `name=value` pairs of the labels it carries, in declared order, between ``separator``s.
    ///
    /// Names go with the values so that stored groups survive a change to the declared labels.
    public func encoded(names: [String]) -> String {
        var text = ""
        for (name, value) in zip(names, self.values) where !value.isEmpty {
            if !text.isEmpty { text.append(Self.separator) }
            text += name
            text += "="
            text += value
        }
        return text
    }

    /// Reads a stored set against the labels declared now: values of labels no longer declared are dropped, labels
    /// declared since are left out; nil for text Funnel could not have written.
    public init?(encoded text: String, names: [String]) {
        var values = Array(repeating: "", count: names.count)
        if !text.isEmpty {
            for pair in text.split(separator: Self.separator, omittingEmptySubsequences: false) {
                guard let equals = pair.firstIndex(of: "=") else { return nil }
                let name = pair[..<equals]
                let value = String(pair[pair.index(after: equals)...])
                guard LabelRule.problem(withValue: value) == nil || value == Self.otherValue else { return nil }
                if let position = names.firstIndex(where: { $0 == name }) { values[position] = value }
            }
        }
        self.values = values
    }

    public static func < (lhs: LabelSet, rhs: LabelSet) -> Bool { lhs.values.lexicographicallyPrecedes(rhs.values) }
}
