import Synchronization

/// Resolved lines by everything but their value (`name|type|rate|tags`), shared by the parser's callers.
///
/// A StatsD stream repeats a small set of names, so after the first line of each only the value is read. The table
/// is bounded: past ``capacity`` lines it stops growing and further lines are resolved each time, so a flood of
/// distinct names costs time, not memory. Lines that fail are never kept.
final class ResolvedStatsDLines: Sendable {
    /// The most distinct lines remembered.
    static let capacity = 10_000

    private let lines = Mutex<[[UInt8]: ResolvedStatsDLine]>([:])

    /// The resolved line for `key`, if it was seen.
    func line(for key: [UInt8]) -> ResolvedStatsDLine? {
        self.lines.withLock { $0[key] }
    }

    /// Remembers a resolved line while there is room.
    func remember(_ line: ResolvedStatsDLine, for key: [UInt8]) {
        self.lines.withLock { lines in
            if lines.count < Self.capacity { lines[key] = line }
        }
    }
}
