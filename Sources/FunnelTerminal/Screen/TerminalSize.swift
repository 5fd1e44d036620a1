import FunnelCore
/// A terminal's size in character cells.
public struct TerminalSize: Sendable, Hashable, CustomStringConvertible {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    /// The classic terminal, the smallest `funnel top` is designed for.
    public static let classic = TerminalSize(columns: 80, rows: 24)

    public var description: String { "\(self.columns)x\(self.rows)" }
}
