/// The store could not be opened: the message names the data directory or database file and what is wrong with it.
public struct StoreOpeningError: Error, CustomStringConvertible {
    /// The directory or file at fault.
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(self.path): \(self.problem)" }
}
