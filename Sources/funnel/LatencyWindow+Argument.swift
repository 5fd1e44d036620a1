public import ArgumentParser
public import FunnelCore

/// `--window 1m|5m|1h` on `top` and `status`.
extension LatencyWindow: ExpressibleByArgument {}
