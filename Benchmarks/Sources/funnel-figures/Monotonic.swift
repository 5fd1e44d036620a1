#if canImport(Glibc)
import Glibc
#endif

/// Monotonic time in seconds, for pacing and timing without allocation.
enum Monotonic {
    /// Seconds since an arbitrary fixed point (CLOCK_MONOTONIC).
    static var now: Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Sleeps for `seconds`.
    static func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        usleep(UInt32(seconds * 1_000_000))
    }
}
