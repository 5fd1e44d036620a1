import FunnelCore

/// Runs an operation with a hard time limit that holds even when the operation ignores cancellation.
///
/// The operation runs in its own task; whichever comes first, its result or the limit, is returned, and the
/// operation is cancelled either way. Unlike a task group, nothing waits for a hung operation to notice.
public enum TimeLimit {
    /// Runs `operation` for at most `seconds`.
    public static func run<Value: Sendable>(
        seconds: Double, _ operation: @escaping @Sendable () async throws -> Value
    ) async -> TimeLimitOutcome<Value> {
        let (outcomes, sink) = AsyncStream.makeStream(of: TimeLimitOutcome<Value>.self, bufferingPolicy: .bufferingOldest(1))
        let work = Task {
            do {
                sink.yield(.finished(.success(try await operation())))
            } catch {
                sink.yield(.finished(.failure(error)))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: Duration.checkedSeconds(seconds) ?? .zero)
            sink.yield(.timedOut)
        }
        var iterator = outcomes.makeAsyncIterator()
        let first = await iterator.next()
        work.cancel()
        timer.cancel()
        sink.finish()
        return first ?? .timedOut
    }
}
