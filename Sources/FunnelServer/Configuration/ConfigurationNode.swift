import FunnelCore
import Yams

/// A YAML node with the key path that led to it, so every configuration error names its line and key.
struct ConfigurationNode {
    let node: Node
    let path: String
    let file: String?

    func error(_ message: String) -> ConfigurationError {
        ConfigurationError(file: self.file, line: self.node.mark?.line, column: self.node.mark?.column, key: self.path.isEmpty ? nil : self.path, message)
    }

    func child(_ key: String, _ node: Node) -> ConfigurationNode {
        ConfigurationNode(node: node, path: self.path.isEmpty ? key : "\(self.path).\(key)", file: self.file)
    }

    /// The mapping's entries, refusing keys outside `allowed`.
    func mapping(allowed: [String]) throws(ConfigurationError) -> [(key: String, value: ConfigurationNode)] {
        guard let mapping = self.node.mapping else { throw self.error("expected a mapping of keys to values") }
        var entries: [(key: String, value: ConfigurationNode)] = []
        var seen: Set<String> = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else {
                throw ConfigurationNode(node: keyNode, path: self.path, file: self.file).error("keys must be strings")
            }
            let child = self.child(key, valueNode)
            guard allowed.contains(key) else {
                throw ConfigurationNode(node: keyNode, path: child.path, file: self.file)
                    .error("unknown key; expected one of \(allowed.joined(separator: ", "))")
            }
            guard seen.insert(key).inserted else {
                throw ConfigurationNode(node: keyNode, path: child.path, file: self.file).error("appears twice")
            }
            entries.append((key, child))
        }
        return entries
    }

    func sequence() throws(ConfigurationError) -> [ConfigurationNode] {
        guard let sequence = self.node.sequence else { throw self.error("expected a list") }
        return sequence.enumerated().map { index, node in
            ConfigurationNode(node: node, path: "\(self.path)[\(index)]", file: self.file)
        }
    }

    func string() throws(ConfigurationError) -> String {
        guard let scalar = self.node.scalar else { throw self.error("expected a string") }
        return scalar.string
    }

    func name() throws(ConfigurationError) -> String {
        let text = try self.string()
        if let problem = NameRule.problem(with: text) { throw self.error(problem) }
        return text
    }

    /// The largest whole number any key takes, so sizes and counts stay far from overflow wherever they are used.
    static let maximumInteger = Int(Int32.max)
    /// The longest duration any key takes, 100 years: in milliseconds or nanoseconds it still fits in Int64.
    static let maximumDurationSeconds: Double = 36_525 * 86_400

    /// A whole number in decimal (underscores allowed) from `minimum` to `maximum`.
    func integer(minimum: Int = 0, maximum: Int = Self.maximumInteger) throws(ConfigurationError) -> Int {
        guard let scalar = self.node.scalar, let value = Int(scalar.string.replacingUnderscores()) else {
            throw self.error("expected a whole number, got \(String(reflecting: self.node.scalar?.string ?? "a \(self.kind)"))")
        }
        guard value >= minimum else { throw self.error("must be at least \(minimum), got \(value)") }
        guard value <= maximum else { throw self.error("must be at most \(maximum), got \(value)") }
        return value
    }

    /// A number, integer or not.
    func number() throws(ConfigurationError) -> Double {
        guard let scalar = self.node.scalar, let value = Double(scalar.string.replacingUnderscores()), value.isFinite else {
            throw self.error("expected a number, got \(String(reflecting: self.node.scalar?.string ?? "a \(self.kind)"))")
        }
        return value
    }

    func boolean() throws(ConfigurationError) -> Bool {
        switch self.node.scalar?.string {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw self.error("expected true or false")
        }
    }

    /// A mapping of strings to strings, such as `labels:` or `annotations:`.
    func stringMapping() throws(ConfigurationError) -> [String: String] {
        guard let mapping = self.node.mapping else { throw self.error("expected a mapping of names to strings") }
        var result: [String: String] = [:]
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string, let value = valueNode.scalar?.string else {
                throw ConfigurationNode(node: valueNode, path: self.path, file: self.file).error("expected name: text pairs")
            }
            result[key] = value
        }
        return result
    }

    /// A duration such as `30s`, `5m`, `1h`, in seconds, from `minimumSeconds` to ``maximumDurationSeconds``.
    ///
    /// Every accepted duration converts to whole milliseconds with ``Duration/checkedSeconds(_:)``.
    func duration(minimumSeconds: Double = 0) throws(ConfigurationError) -> Double {
        guard let scalar = self.node.scalar, let seconds = DurationText.seconds(scalar.string) else {
            throw self.error("expected a duration like 30s, 5m or 72h, got \(String(reflecting: self.node.scalar?.string ?? "a \(self.kind)"))")
        }
        guard seconds >= minimumSeconds else {
            let minimum = minimumSeconds < 1 ? "\(Int64(rounding: minimumSeconds * 1000) ?? 0)ms" : DurationText.format(seconds: Int64(rounding: minimumSeconds, .up) ?? 0)
            throw self.error("must be at least \(minimum), got \(Self.shown(scalar.string))")
        }
        guard seconds.isFinite, seconds <= Self.maximumDurationSeconds else {
            throw self.error("must be at most 100 years (36525d), got \(Self.shown(scalar.string))")
        }
        return seconds
    }

    /// A duration of whole seconds; see ``duration(minimumSeconds:)``.
    func wholeSeconds(minimumSeconds: Double = 0) throws(ConfigurationError) -> Int64 {
        let seconds = try self.duration(minimumSeconds: minimumSeconds)
        guard let whole = Int64(exactly: seconds) else { throw self.error("must be a whole number of seconds, got \(try self.string())") }
        return whole
    }

    /// A scalar as an error message shows it: quoted, and cut when long.
    private static func shown(_ text: String) -> String {
        String(reflecting: text.count > 64 ? String(text.prefix(64)) + "..." : text)
    }

    var kind: String {
        switch self.node {
        case .mapping: "mapping"
        case .sequence: "list"
        case .scalar: "scalar"
        case .alias: "alias"
        }
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(self.filter { $0 != "_" })
    }
}
