/// A configuration file problem, with the line and key it is at.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, or nil for text not read from a file.
    public var file: String?
    /// 1-based line and column, when known.
    public var line: Int?
    public var column: Int?
    /// Path of the offending key, e.g. `pipelines[0].bucket`.
    public var key: String?
    public var message: String

    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, key: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        var location = self.file ?? "config"
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        if let key { return "\(location): \(key): \(self.message)" }
        return "\(location): \(self.message)"
    }
}
