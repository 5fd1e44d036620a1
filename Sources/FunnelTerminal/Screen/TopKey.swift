import FunnelCore
/// A key press `funnel top` acts on.
public enum TopKey: Sendable, Hashable {
    case quit
    case nextPipeline
    case previousPipeline
    case cycleWindow
    case help
    case escape
    case other
}
