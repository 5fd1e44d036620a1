/// Polls a condition until it holds or a deadline passes: tests wait for effects, never for fixed sleeps.
public enum Deadline {
    /// Raised when the condition did not hold in time; says what was awaited.
    public struct Expired: Error, CustomStringConvertible {
        public var description: String
    }

    /// Returns the first non-nil result of `attempt`, retrying every `interval` for at most `timeout`.
    public static func poll<Value>(
        _ what: String,
        timeout: Duration = .seconds(20),
        interval: Duration = .milliseconds(100),
        _ attempt: () async throws -> Value?
    ) async throws -> Value {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: timeout)
        var lastError: (any Error)?
        while clock.now < end {
            do {
                if let value = try await attempt() { return value }
            } catch {
                lastError = error
            }
            try await Task.sleep(for: interval)
        }
        throw Expired(description: "timed out after \(timeout) waiting for \(what)\(lastError.map { " (last error: \($0))" } ?? "")")
    }
}
