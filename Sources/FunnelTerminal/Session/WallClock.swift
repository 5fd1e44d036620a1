import FunnelCore
import Foundation

/// The terminal's wall clock: Unix milliseconds.
func wallClockMillis() -> Int64 {
    Int64(millisecondsFromSeconds: Date().timeIntervalSince1970) ?? 0
}
