#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open files (`RLIMIT_NOFILE`), which bounds how many connections it can hold.
public struct FileDescriptorLimit: Sendable, Hashable {
    /// The soft limit: what the process can open now.
    public var soft: UInt64
    /// The hard limit: how far the soft limit can be raised without privileges.
    public var hard: UInt64

    public init(soft: UInt64, hard: UInt64) {
        self.soft = soft
        self.hard = hard
    }

    /// The limits as they stand.
    public static func current() -> FileDescriptorLimit? {
        var limit = rlimit()
        guard getrlimit(Self.resource, &limit) == 0 else { return nil }
        return FileDescriptorLimit(soft: UInt64(limit.rlim_cur), hard: UInt64(limit.rlim_max))
    }

    /// Raises the soft limit to the hard one and returns the limits that result (unchanged when raising fails).
    @discardableResult
    public static func raiseSoftToHard() -> FileDescriptorLimit? {
        var limit = rlimit()
        guard getrlimit(Self.resource, &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Self.resource, &raised) != 0 {
                // macOS refuses more than OPEN_MAX for an unlimited hard limit.
                raised.rlim_cur = min(limit.rlim_max, 10_240)
                _ = setrlimit(Self.resource, &raised)
            }
        }
        return Self.current()
    }

    /// The connection cap used when `limits.max_connections` is not set: the file limit less 128 for the database,
    /// the StatsD and DLQ sockets and the webhook clients, at most 4,096, at least 16.
    public var defaultConnectionLimit: Int {
        let room = self.soft > 128 ? self.soft - 128 : 16
        return Int(max(16, min(4096, room)))
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}
