import FunnelCore

/// The help screen: keys and columns.
extension TopScreen {
    static func helpLines() -> [ScreenLine] {
        let keys: [(String, String)] = [
            ("q", "quit"),
            ("Tab → / ⇧Tab ← h", "next / previous pipeline"),
            ("j k ↓ ↑", "scroll the stage table; PgDn PgUp a page, g G ends"),
            ("o", "overview: every pipeline, most trouble first; Enter opens"),
            ("/", "search pipelines by name; Enter opens, Esc cancels"),
            ("w", "next latency window: 1m, 5m, 1h"),
            ("l", "worst groups by label; again: next label; Esc back"),
            ("?  Esc", "show or hide this help"),
        ]
        let columns: [(String, String)] = [
            ("FUNNEL", "█ passed, ░ received but not passed; widest stage = full"),
            ("RATE/s", "events received per second, from successive polls"),
            ("FAILED", "given up, knowingly"),
            ("DEAD", "sent to a dead-letter queue"),
            ("LOST", "silent loss, settled: received - passed - failed - dead"),
            ("SHARE", "share of the loss; ◀ where most events die, = tied for it"),
            ("IN-FLIGHT", "difference in unsettled buckets: on the way, not loss"),
            ("P50 P95 P99", "latency percentiles over the window"),
            ("↓ transit", "passed by one stage, never received by the next"),
        ]
        var lines = [ScreenLine(" Keys", .bold)]
        lines += keys.map { key, text in
            var line = ScreenLine("   " + Self.padded(key, 20), .bold)
            line.append(text)
            return line
        }
        lines += [ScreenLine(), ScreenLine(" Columns", .bold)]
        lines += columns.map { key, text in
            var line = ScreenLine("   " + Self.padded(key, 20), .bold)
            line.append(text)
            return line
        }
        lines += [ScreenLine(), ScreenLine(" Press ? or Esc to go back.", .dim)]
        return lines
    }
}
