/// The rule a request body must keep while it arrives: all of it within the body timeout, and after a short grace
/// at least a minimum rate on average, so that a client trickling bytes frees its ingest slot within seconds.
struct BodyPace: Sendable, Hashable {
    /// Bytes per second a body must average once the grace is over.
    var minimumBytesPerSecond: Double
    /// How long a body may take before the rate is checked.
    var grace: Duration
    /// The longest a whole body may take.
    var timeout: Duration

    /// What to do with a body still arriving.
    enum Verdict: Sendable, Hashable {
        case keepReading
        case tooSlow
        case timedOut
    }

    /// The verdict for a body of which `received` bytes arrived in `elapsed`.
    func verdict(received: Int, elapsed: Duration) -> Verdict {
        if elapsed >= self.timeout { return .timedOut }
        guard elapsed > self.grace else { return .keepReading }
        let owed = self.minimumBytesPerSecond * Self.seconds(elapsed - self.grace)
        return Double(received) < owed ? .tooSlow : .keepReading
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// Why a request body was not read to its end.
enum BodyRefusal: Error, Hashable {
    /// Not all of it arrived within the body timeout.
    case timedOut
    /// It arrived slower than the minimum rate after the grace.
    case tooSlow
    /// It is larger than `limits.max_body_bytes`.
    case tooLarge
}
