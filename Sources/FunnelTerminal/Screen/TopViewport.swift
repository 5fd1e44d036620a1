import FunnelCore
/// How much of the scrolling parts the screen shows: rows of the stage table and of the overview's list.
///
/// ``TopScreen/viewport(_:size:)`` measures it for a snapshot and a size; the keys that scroll (``TopViewState``)
/// page by it and stop at its ends.
public struct TopViewport: Sendable, Hashable {
    /// Stage-table rows on screen.
    public var tableRows: Int
    /// How far the stage table scrolls: 0 when it fits.
    public var tableMaximumOffset: Int
    /// Overview rows on screen.
    public var listRows: Int

    public init(tableRows: Int = 10, tableMaximumOffset: Int = 0, listRows: Int = 10) {
        self.tableRows = tableRows
        self.tableMaximumOffset = tableMaximumOffset
        self.listRows = listRows
    }

    /// Rows a page key moves: a screenful less one, so a row of context stays.
    static func page(_ rows: Int) -> Int { max(1, rows - 1) }
}
