import FunnelCore
/// A column of the stage table in `funnel top`: its title, width in cells, and how readily it is dropped.
struct StageTableColumn: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case name, bar, rate, received, passed, failed, deadLettered, retried, recovered, lost, share, inFlight, p50, p95, p99
    }

    var kind: Kind
    var title: String
    /// Cells, including the separating space on the left of right-aligned columns.
    var width: Int
    /// Columns with a lower number are kept first when the terminal is narrow.
    var priority: Int

    /// The columns in screen order; the name column is sized for `nameWidth`. The recovery columns (redelivered,
    /// and redriven plus replayed) are there only for a pipeline that has counted them.
    static func all(nameWidth: Int, recovery: Bool = false) -> [StageTableColumn] {
        let columns = [
            StageTableColumn(kind: .name, title: "STAGE", width: nameWidth, priority: 0),
            StageTableColumn(kind: .bar, title: "FUNNEL", width: Self.minimumBarWidth, priority: 3),
            StageTableColumn(kind: .rate, title: "RATE/s", width: 7, priority: 5),
            StageTableColumn(kind: .received, title: "RECEIVED", width: 9, priority: 9),
            StageTableColumn(kind: .passed, title: "PASSED", width: 9, priority: 10),
            StageTableColumn(kind: .failed, title: "FAILED", width: 7, priority: 7),
            StageTableColumn(kind: .deadLettered, title: "DEAD", width: 7, priority: 8),
            StageTableColumn(kind: .retried, title: "RETRY", width: 7, priority: 14),
            StageTableColumn(kind: .recovered, title: "RECOV", width: 8, priority: 13),
            StageTableColumn(kind: .lost, title: "LOST", width: 8, priority: 1),
            StageTableColumn(kind: .share, title: "SHARE", width: 8, priority: 2),
            StageTableColumn(kind: .inFlight, title: "IN-FLIGHT", width: 10, priority: 6),
            StageTableColumn(kind: .p50, title: "P50", width: 7, priority: 12),
            StageTableColumn(kind: .p95, title: "P95", width: 7, priority: 4),
            StageTableColumn(kind: .p99, title: "P99", width: 7, priority: 11),
        ]
        return recovery ? columns : columns.filter { $0.kind != .retried && $0.kind != .recovered }
    }

    static let minimumBarWidth = 12
    static let maximumBarWidth = 50

    /// The columns that fit in `width` cells, in screen order; the bar column takes the room left over.
    static func layout(width: Int, nameWidth: Int, recovery: Bool = false) -> [StageTableColumn] {
        let candidates = Self.all(nameWidth: nameWidth, recovery: recovery)
        var chosen: Set<Kind> = []
        var used = 0
        for column in candidates.sorted(by: { $0.priority < $1.priority }) where used + column.width <= width || column.kind == .name {
            chosen.insert(column.kind)
            used += column.width
        }
        var columns = candidates.filter { chosen.contains($0.kind) }
        if let bar = columns.firstIndex(where: { $0.kind == .bar }) {
            columns[bar].width = min(Self.maximumBarWidth, columns[bar].width + max(0, width - used))
        }
        return columns
    }
}
