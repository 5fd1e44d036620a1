import FunnelCore
/// The overview's cursor and search: the highlighted pipeline, the first row on screen, and what was typed after `/`.
public struct PipelinePicker: Sendable, Hashable {
    /// The highlighted pipeline; nil for the first of the list (the one in most trouble).
    public var cursor: String?
    /// The first row of the list on screen.
    public var offset = 0
    /// What was typed after `/`; nil while not searching.
    public var query: String?

    public init(cursor: String? = nil, offset: Int = 0, query: String? = nil) {
        self.cursor = cursor
        self.offset = offset
        self.query = query
    }

    /// The names of `ranked` the query keeps, in their order: every word of the query is part of the name, ignoring case.
    public func list(_ ranked: [String]) -> [String] {
        guard let query, !query.isEmpty else { return ranked }
        return ranked.filter { Self.name($0, matches: query) }
    }

    /// Whether every space-separated word of `query` is part of `name`, ignoring case.
    public static func name(_ name: String, matches query: String) -> Bool {
        let lower = name.lowercased()
        return query.lowercased().split(separator: " ").allSatisfy { lower.contains($0) }
    }

    /// Where the cursor is in `list`: the cursor's pipeline, else the first; nil for an empty list.
    public func cursorIndex(in list: [String]) -> Int? {
        guard !list.isEmpty else { return nil }
        return self.cursor.flatMap { list.firstIndex(of: $0) } ?? 0
    }

    /// The highlighted pipeline of `list`.
    public func highlighted(in list: [String]) -> String? {
        self.cursorIndex(in: list).map { list[$0] }
    }

    /// Moves the cursor `step` rows through `list` (clamped at both ends) and keeps it within `rows` rows on screen.
    mutating func move(by step: Int, in list: [String], rows: Int) {
        guard let index = self.cursorIndex(in: list) else { return }
        let target = min(max(0, index + step), list.count - 1)
        self.cursor = list[target]
        self.follow(target, rows: rows, count: list.count)
    }

    /// Scrolls so row `index` is on screen, `rows` rows at a time, within a list of `count`.
    mutating func follow(_ index: Int, rows: Int, count: Int) {
        let rows = max(1, rows)
        if index < self.offset { self.offset = index }
        if index >= self.offset + rows { self.offset = index - rows + 1 }
        self.offset = min(max(0, self.offset), max(0, count - rows))
    }
}
