public import ArgumentParser
public import FunnelTerminal

/// `--format ndjson|csv` on `compare --backfill`.
extension ComparisonText.BackfillFormat: ExpressibleByArgument {}
