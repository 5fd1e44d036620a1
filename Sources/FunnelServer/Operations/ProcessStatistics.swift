import Foundation
public import FunnelCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the `process_*` figures of this process from `/proc` at each scrape, as the Prometheus client libraries do:
/// CPU time and memory from `/proc/self/stat`, the boot time from `/proc/stat`, open files from `/proc/self/fd`
/// and the open-file limit from `getrlimit`.
///
/// Where `/proc` is missing (not Linux), nothing is written.
public struct ProcessStatistics: MetricsSource {
    /// Process `pid` (`self` for this one) under `procRoot`.
    let procRoot: String
    let pid: String

    public init(procRoot: String = "/proc", pid: String = "self") {
        self.procRoot = procRoot
        self.pid = pid
    }

    public func emit(into writer: inout ExpositionWriter) {
        self.read()?.emit(into: &writer)
    }

    /// The figures now, or nil when `/proc` cannot be read.
    public func read() -> ProcessFamilies? {
        guard let stat = try? String(contentsOfFile: "\(self.procRoot)/\(self.pid)/stat", encoding: .utf8),
            let fields = Self.fieldsAfterCommand(stat), fields.count > 21,
            let userTicks = Double(fields[11]), let systemTicks = Double(fields[12]),
            let startTicks = Double(fields[19]), let virtualBytes = UInt64(fields[20]), let residentPages = UInt64(fields[21])
        else { return nil }
        let ticksPerSecond = Double(max(1, sysconf(Int32(_SC_CLK_TCK))))
        let pageBytes = UInt64(max(1, sysconf(Int32(_SC_PAGESIZE))))
        let openFiles = (try? FileManager.default.contentsOfDirectory(atPath: "\(self.procRoot)/\(self.pid)/fd").count) ?? 0
        var limit = rlimit()
        // RLIM_INFINITY is all ones.
        let maximumFiles: UInt64? = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 && UInt64(limit.rlim_cur) != .max ? UInt64(limit.rlim_cur) : nil
        return ProcessFamilies(
            cpuSeconds: (userTicks + systemTicks) / ticksPerSecond,
            residentMemoryBytes: residentPages &* pageBytes,
            virtualMemoryBytes: virtualBytes,
            openFileDescriptors: UInt64(openFiles),
            maximumFileDescriptors: maximumFiles,
            startTimeSeconds: Self.bootTimeSeconds(procRoot: self.procRoot) + startTicks / ticksPerSecond
        )
    }

    /// The fields of `/proc/PID/stat` after `(command)`, which may itself hold spaces and parentheses: field 3
    /// (`state`) is at index 0.
    static func fieldsAfterCommand(_ stat: String) -> [Substring]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
    }

    /// `btime` of `/proc/stat`: when the machine booted, Unix seconds.
    static func bootTimeSeconds(procRoot: String) -> Double {
        guard let stat = try? String(contentsOfFile: "\(procRoot)/stat", encoding: .utf8) else { return 0 }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return 0
    }
}
