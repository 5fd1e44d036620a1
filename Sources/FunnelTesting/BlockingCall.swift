import Foundation

/// Runs blocking work (a child process to completion, a pipe read) on a thread of its own.
///
/// Swift concurrency runs tasks on as many threads as there are cores (two here): a test that waits for `initdb` or
/// `python3` on one of them stalls every other test's tasks, and with them their timeouts.
public enum BlockingCall {
    /// The result of `body`, computed on a new thread.
    public static func run<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
