import FunnelCore
import GRDB

/// Reads a counter column back from SQLite without trusting it: a value Funnel could not have written (negative,
/// a REAL past Int64, text, NULL) becomes the nearest valid count and a repair note, never a trap.
///
/// Counts Funnel accepts stay within ``StageCounts/maximum``; older versions could store wrapped or REAL values.
struct StoredCounter {
    /// The count to restore.
    var value: UInt64
    /// What was wrong with the stored value, when it was repaired.
    var repair: String?

    init(_ stored: DatabaseValue, column: String, row: @autoclosure () -> String) {
        switch stored.storage {
        case .int64(let integer) where integer >= 0 && UInt64(integer) <= StageCounts.maximum:
            self.value = UInt64(integer)
        case .int64(let integer) where integer >= 0:
            self.value = StageCounts.maximum
            self.repair = "\(row()): \(column) \(integer) is past the counter maximum \(StageCounts.maximum); read as the maximum"
        case .int64(let integer):
            self.value = 0
            self.repair = "\(row()): \(column) \(integer) is negative; read as 0"
        case .double(let real) where real.isFinite && real >= 0:
            self.value = UInt64(rounding: real).map { Swift.min($0, StageCounts.maximum) } ?? StageCounts.maximum
            self.repair = "\(row()): \(column) is stored as the REAL \(real); read as \(self.value)"
        default:
            self.value = 0
            self.repair = "\(row()): \(column) \(stored) is not a count; read as 0"
        }
    }
}
