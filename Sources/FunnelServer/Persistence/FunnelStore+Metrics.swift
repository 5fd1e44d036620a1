import Foundation
import Synchronization
public import FunnelCore

extension FunnelStore: MetricsSource {
    /// Writes how long group commits take and how large the database is on disk.
    public func emit(into writer: inout ExpositionWriter) {
        let durations = self.commitDurations.withLock { $0 }
        writer.family("funnel_store_commit_duration_seconds", .histogram, help: "Time to write and sync one group commit of reports to SQLite.")
        writer.histogram(ExpositionLabels.none, buckets: writer.bucketLabels(bounds: durations.bounds), durations)
        writer.family("funnel_store_size_bytes", .gauge, help: "Size of the SQLite database on disk, with its write-ahead log.")
        writer.sample(self.sizeOnDisk)
    }

    /// Bytes of the database file, its `-wal` and its `-shm`; 0 in memory.
    var sizeOnDisk: UInt64 {
        guard self.path != ":memory:" else { return 0 }
        return [self.path, self.path + "-wal", self.path + "-shm"].reduce(0) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.uint64Value ?? 0
            return total &+ size
        }
    }
}
