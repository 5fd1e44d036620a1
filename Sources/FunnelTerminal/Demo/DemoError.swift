import FunnelCore
/// Why `funnel demo` stopped early, naming what it was doing.
public struct DemoError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
