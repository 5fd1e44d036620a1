import FunnelCore
/// A plain-text table: columns as wide as their widest cell, numbers right-aligned, two spaces between columns.
public struct TextTable: Sendable, Hashable {
    public var headers: [String]
    /// Per column: true to right-align (numbers).
    public var rightAligned: [Bool]
    public var rows: [[String]] = []

    public init(headers: [String], rightAligned: [Bool]) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    /// Adds a row: one cell per header.
    public mutating func append(_ row: [String]) {
        self.rows.append(row)
    }

    /// The header line and one line per row, each prefixed with `indent`, without trailing spaces.
    public func lines(indent: String = "") -> [String] {
        let all = [self.headers] + self.rows
        let widths = self.headers.indices.map { column in all.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            var line = indent
            for column in self.headers.indices {
                let cell = column < row.count ? row[column] : ""
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                if column > 0 { line += "  " }
                line += self.rightAligned[column] ? padding + cell : cell + padding
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}
